using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Portal.Hosting;

/// <summary>
/// OpenTelemetry metrics (ASP.NET Core, HttpClient, Npgsql, the portal's own "Portal" meter), scraped by Prometheus on
/// /metrics (see <see cref="MetricsEndpoint"/>), and traces of the same three, sent over OTLP only when an endpoint is
/// configured (OTEL_EXPORTER_OTLP_ENDPOINT): an instance with nowhere to send spans does not record them.
/// </summary>
internal static class Telemetry
{
    public static WebApplicationBuilder AddPortalTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PortalMetrics>();
        var otlp = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("vo-data-portal", serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(PortalMetrics.MeterName)
                // Scrapers come every few seconds at most; a cached answer would only show them stale numbers.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        if (!string.IsNullOrWhiteSpace(otlp))
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());
        }
        return builder;
    }

    /// <summary>Health probes and scrapes arrive every few seconds from machines: as spans they would drown the real requests.</summary>
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.Ordinal) || path.StartsWithSegments(MetricsEndpoint.Path, StringComparison.Ordinal);
}
