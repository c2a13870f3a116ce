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
