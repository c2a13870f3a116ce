{{/* Pod pieces ------------------------------------------------------------------------------------------------ */}}

{{/* Environment shared by the API and the Jobs that touch the database. */}}
{{- define "groundwork.serverEnv" -}}
- name: GROUNDWORK_ENV
  value: production
- name: GROUNDWORK_DATA_DIR
  value: /data
- name: GROUNDWORK_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 }}
      key: secret-key
- name: GROUNDWORK_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 }}
      key: database-url
- name: GROUNDWORK_BROKER_URL
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 }}
      key: broker-url
{{- end }}

{{/* The pod-level fields every Groundwork pod shares. */}}
{{- define "groundwork.podCommon" -}}
serviceAccountName: {{ include "groundwork.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/* Scheduling fields; call with a dict holding nodeSelector, tolerations, affinity. */}}
{{- define "groundwork.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* A shell command that waits until the database is at the code's migration head. */}}
{{- define "groundwork.waitForMigrations" -}}
- /bin/sh
- -c
- until groundwork migrate --check; do echo "waiting for the database migrations"; sleep 5; done
{{- end }}

{{/*
Pod fields of the Jobs. A hook runs before the release's ServiceAccount exists, so a hook pod uses the
namespace's default account unless the user named an existing one (serviceAccount.create: false).
*/}}
{{- define "groundwork.jobPodCommon" -}}
{{- if or (not (include "groundwork.hookMode" .)) (not .Values.serviceAccount.create) }}
serviceAccountName: {{ include "groundwork.serviceAccountName" . }}
{{- end }}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/* Workers -------------------------------------------------------------------------------------------------- */}}

{{/* Environment of a workflow-service container: no database URL and no secret key, only what it needs. */}}
{{- define "groundwork.workerEnv" -}}
- name: GROUNDWORK_BROKER_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "groundwork.secretName" . }}
      key: broker-url
- name: GROUNDWORK_SERVICE_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "groundwork.serviceTokenSecret" . }}
      key: {{ ternary .Values.workers.serviceToken.existingSecretKey "service-token" (ne .Values.workers.serviceToken.existingSecret "") }}
{{- end }}

{{/*
A workflow-service pod template. Call with (dict "root" . "component" "worker-cpu" "args" (list ...)
"role" "executor" "image" "worker" "spec" <queue or orchestrator values> "gpu" bool).
*/}}
{{- define "groundwork.workerPodTemplate" -}}
{{- $root := .root }}
{{- $spec := .spec -}}
metadata:
  labels:
    {{- include "groundwork.componentLabels" (list $root .component) | nindent 4 }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- with $spec.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- include "groundwork.podCommon" $root | nindent 2 }}
  {{- with include "groundwork.scheduling" $spec}}{{- . | nindent 2 }}{{- end }}
  {{- with $spec.terminationGracePeriodSeconds }}
  terminationGracePeriodSeconds: {{ . }}
  {{- end }}
  containers:
    - name: worker
      image: {{ include "groundwork.image" (list $root .image) }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      command:
        {{- toYaml .args | nindent 8 }}
      envFrom:
        - configMapRef:
            name: {{ include "groundwork.fullname" $root }}
        {{- with $root.Values.config.extraEnvFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      env:
        {{- include "groundwork.workerEnv" $root | nindent 8 }}
        {{- with $spec.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      # The worker refreshes a heartbeat file; --probe exits 0 while it is fresh.
      startupProbe:
        exec:
          command: ["groundwork", "worker", "--probe", "--role", {{ .role | quote }}]
        periodSeconds: 10
        timeoutSeconds: 20
        failureThreshold: 30
      livenessProbe:
        exec:
          command: ["groundwork", "worker", "--probe", "--role", {{ .role | quote }}]
        periodSeconds: 30
        timeoutSeconds: 20
        failureThreshold: 3
      readinessProbe:
        exec:
          command: ["groundwork", "worker", "--probe", "--role", {{ .role | quote }}]
        periodSeconds: 30
        timeoutSeconds: 20
        failureThreshold: 2
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      resources:
        {{- $resources := deepCopy ($spec.resources | default dict) }}
        {{- if .gpu }}
        {{- $limits := $resources.limits | default dict }}
        {{- $_ := set $limits ($spec.gpuResourceName | default "nvidia.com/gpu") (int ($spec.gpuCount | default 1)) }}
        {{- $_ := set $resources "limits" $limits }}
        {{- end }}
        {{- toYaml $resources | nindent 8 }}
      volumeMounts:
        - name: data
          mountPath: /data
        - name: tmp
          mountPath: /tmp
        {{- if $spec.shmSizeLimit }}
        - name: dshm
          mountPath: /dev/shm
        {{- end }}
  volumes:
    - name: data
      emptyDir:
        sizeLimit: {{ $root.Values.workers.dataSizeLimit }}
    - name: tmp
      emptyDir: {}
    {{- with $spec.shmSizeLimit }}
    - name: dshm
      emptyDir:
        medium: Memory
        sizeLimit: {{ . }}
    {{- end }}
{{- end }}
