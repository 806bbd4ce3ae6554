{{/* Labels every object carries; component is "agent" or "collector". */}}
{{- define "snatscope.labels" -}}
app.kubernetes.io/name: snatscope
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{/* Selector labels: stable across upgrades, so never the version. */}}
{{- define "snatscope.selector" -}}
app.kubernetes.io/name: snatscope
app.kubernetes.io/component: {{ .component }}
{{- end }}
