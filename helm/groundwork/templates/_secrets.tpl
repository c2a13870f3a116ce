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

