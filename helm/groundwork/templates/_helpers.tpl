{{/* Names ---------------------------------------------------------------------------------------------------- */}}

{{/* The chart name, overridable. */}}
{{- define "groundwork.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every resource name: "<release>-groundwork", or the release name when it already says so. */}}
{{- define "groundwork.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "<fullname>-<suffix>", kept within the 63 characters of a DNS label. Call with (list . "suffix"). */}}
{{- define "groundwork.component" -}}
{{- $root := index . 0 }}
{{- $suffix := index . 1 }}
{{- $full := include "groundwork.fullname" $root | trunc (int (sub 62 (len $suffix))) | trimSuffix "-" }}
{{- printf "%s-%s" $full $suffix }}
{{- end }}

{{- define "groundwork.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels ---------------------------------------------------------------------------------------------------- */}}

{{/* Labels on every resource. */}}
{{- define "groundwork.labels" -}}
helm.sh/chart: {{ include "groundwork.chart" . }}
{{ include "groundwork.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: groundwork
{{- end }}

{{- define "groundwork.selectorLabels" -}}
app.kubernetes.io/name: {{ include "groundwork.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one component; call with (list . "api"). */}}
{{- define "groundwork.componentLabels" -}}
{{ include "groundwork.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/* Selector of one component; call with (list . "api"). */}}
{{- define "groundwork.componentSelector" -}}
{{ include "groundwork.selectorLabels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/* Images ---------------------------------------------------------------------------------------------------- */}}

{{/* An image reference from image.<key> (repository, tag) and the shared registry and tag; call with (list . "api"). */}}
{{- define "groundwork.image" -}}
{{- $root := index . 0 }}
{{- $img := index $root.Values.image (index . 1) }}
{{- $tag := $img.tag | default $root.Values.image.tag | default $root.Chart.AppVersion }}
{{- if $root.Values.image.registry }}
{{- printf "%s/%s:%s" (trimSuffix "/" $root.Values.image.registry) $img.repository $tag }}
{{- else }}
{{- printf "%s:%s" $img.repository $tag }}
{{- end }}
{{- end }}

{{/* Service account ------------------------------------------------------------------------------------------- */}}

{{- define "groundwork.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "groundwork.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Secrets and URLs ------------------------------------------------------------------------------------------ */}}

{{/* The Secret with secret-key, database-url and broker-url (the user's existingSecret, or the chart's). */}}
{{- define "groundwork.secretName" -}}
{{- default (include "groundwork.fullname" .) .Values.existingSecret }}
{{- end }}

{{/*
A value that must not change between upgrades: the one given, else the one already stored in the chart's Secret
(lookup; empty under `helm template`), else a random one generated once per render and shared by every
template of that render. Call with (dict "root" . "key" "secret-key" "value" .Values.secretKey "length" 48).
*/}}
{{- define "groundwork.stableValue" -}}
{{- $root := .root }}
{{- if .value }}
{{- .value }}
{{- else }}
{{- $cache := $root.Values.__generated | default dict }}
{{- if not (hasKey $cache .key) }}
{{- $existing := lookup "v1" "Secret" $root.Release.Namespace (include "groundwork.fullname" $root) }}
{{- $stored := "" }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- $stored = index $existing.data .key | b64dec }}
{{- end }}
{{- $_ := set $cache .key ($stored | default (randAlphaNum (int .length))) }}
{{- $_ := set $root.Values "__generated" $cache }}
{{- end }}
{{- index $cache .key }}
{{- end }}
{{- end }}

{{- define "groundwork.secretKey" -}}
{{- include "groundwork.stableValue" (dict "root" . "key" "secret-key" "value" .Values.secretKey "length" 48) }}
{{- end }}

{{- define "groundwork.postgresPassword" -}}
{{- include "groundwork.stableValue" (dict "root" . "key" "postgres-password" "value" .Values.postgresql.auth.password "length" 32) }}
{{- end }}

{{- define "groundwork.rabbitmqPassword" -}}
{{- include "groundwork.stableValue" (dict "root" . "key" "rabbitmq-password" "value" .Values.rabbitmq.auth.password "length" 32) }}
{{- end }}

{{/* The database URL stored in the chart's Secret. */}}
{{- define "groundwork.databaseUrl" -}}
{{- if .Values.postgresql.enabled }}
{{- $pg := .Values.postgresql }}
{{- printf "postgresql://%s:%s@%s:5432/%s" $pg.auth.username (include "groundwork.postgresPassword" . | urlquery) (include "groundwork.component" (list . "postgresql")) $pg.auth.database }}
{{- else }}
{{- required "externalDatabase.url is required when postgresql.enabled is false (or set existingSecret)" .Values.externalDatabase.url }}
{{- end }}
{{- end }}

{{/* The broker URL stored in the chart's Secret. */}}
{{- define "groundwork.brokerUrl" -}}
{{- if .Values.rabbitmq.enabled }}
{{- printf "amqp://%s:%s@%s:5672//" .Values.rabbitmq.auth.username (include "groundwork.rabbitmqPassword" . | urlquery) (include "groundwork.component" (list . "rabbitmq")) }}
{{- else }}
{{- required "externalBroker.url is required when rabbitmq.enabled is false (or set existingSecret)" .Values.externalBroker.url }}
{{- end }}
{{- end }}

{{/* The workflow service's token: the user's Secret, or the one the service-token Job writes. */}}
{{- define "groundwork.serviceTokenSecret" -}}
{{- default (include "groundwork.component" (list . "service-token")) .Values.workers.serviceToken.existingSecret }}
{{- end }}

{{/* URLs ------------------------------------------------------------------------------------------------------ */}}

{{- define "groundwork.apiServiceName" -}}
{{- include "groundwork.component" (list . "api") }}
{{- end }}

{{/* The API as workers reach it inside the cluster. */}}
{{- define "groundwork.apiUrl" -}}
{{- if .Values.workers.apiUrl }}
{{- .Values.workers.apiUrl }}
{{- else }}
{{- $port := int .Values.api.service.port }}
{{- printf "http://%s.%s.svc%s" (include "groundwork.apiServiceName" .) .Release.Namespace (ternary "" (printf ":%d" $port) (eq $port 80)) }}
{{- end }}
{{- end }}

{{/* True (non-empty) when the ingress terminates TLS. */}}
{{- define "groundwork.https" -}}
{{- if and .Values.api.ingress.enabled .Values.api.ingress.tls }}true{{ end }}
{{- end }}

{{/* GROUNDWORK_PUBLIC_URL: given, else the first ingress host, else the in-cluster service URL. */}}
{{- define "groundwork.publicUrl" -}}
{{- if .Values.config.publicUrl }}
{{- .Values.config.publicUrl }}
{{- else if and .Values.api.ingress.enabled .Values.api.ingress.hosts }}
{{- printf "%s://%s" (ternary "https" "http" (eq (include "groundwork.https" .) "true")) (first .Values.api.ingress.hosts) }}
{{- else }}
{{- include "groundwork.apiUrl" . }}
{{- end }}
{{- end }}

{{/* GROUNDWORK_MLFLOW_TRACKING_URI (empty: none). */}}
{{- define "groundwork.mlflowUrl" -}}
{{- if .Values.mlflow.enabled }}
{{- printf "http://%s.%s.svc:%d" (include "groundwork.component" (list . "mlflow")) .Release.Namespace (int .Values.mlflow.service.port) }}
{{- else }}
{{- .Values.mlflow.externalTrackingUri }}
{{- end }}
{{- end }}

{{/* Hooks ----------------------------------------------------------------------------------------------------- */}}

{{/*
Whether the migration and service-token Jobs run as pre-install/pre-upgrade hooks ("true") or, on the first
install with the in-chart PostgreSQL, as plain Jobs (that database is created by the release itself, so nothing
can reach it before the release exists).
*/}}
{{- define "groundwork.hookMode" -}}
{{- if or (not .Values.postgresql.enabled) (not .Release.IsInstall) }}true{{ end }}
{{- end }}

{{/* Hook annotations; call with (list . weight). Renders nothing outside hook mode. */}}
{{- define "groundwork.hookAnnotations" -}}
{{- if include "groundwork.hookMode" (index . 0) }}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ index . 1 | quote }}
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end }}
{{- end }}

{{/* The name of a Job-related resource: distinct in hook mode, so a hook never collides with the plain one. */}}
{{- define "groundwork.jobResourceName" -}}
{{- $root := index . 0 }}
{{- if include "groundwork.hookMode" $root }}
{{- include "groundwork.component" (list $root (index . 1)) }}
{{- else }}
{{- include "groundwork.component" (list $root (printf "%s-install" (index . 1))) }}
{{- end }}
{{- end }}

{{/* The Secret the Jobs read: the user's, the hook copy (hook mode), or the chart's own. */}}
{{- define "groundwork.jobSecretName" -}}
{{- if .Values.existingSecret }}
{{- .Values.existingSecret }}
{{- else if include "groundwork.hookMode" . }}
{{- include "groundwork.component" (list . "hooks") }}
{{- else }}
{{- include "groundwork.fullname" . }}
{{- end }}
{{- end }}

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
