using System.Diagnostics.Metrics;

namespace Portal.Hosting;

/// <summary>
/// The portal's own metrics (meter "Portal"), exported as portal_* on /metrics. Every tag value comes from a small,
/// fixed set (outcomes, reason codes, method names): never a user, dataset or grant id, so series stay few and the
/// metrics carry no personal data.
/// </summary>
public sealed class PortalMetrics
{
    public const string MeterName = "Portal";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _exportsStarted;
    private readonly Counter<long> _exportsCompleted;
    private readonly Counter<long> _exportsAborted;
    private readonly Counter<long> _exportBytes;
    private readonly Counter<long> _signIns;

    // From the host's IMeterFactory, not a static Meter: several hosts in one process (tests) keep their own counts.
    public PortalMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _decisions = meter.CreateCounter<long>("portal.decisions", description: "Policy decisions made for requests, by endpoint and outcome.");
        _exportsStarted = meter.CreateCounter<long>("portal.exports.started", description: "Exports that began streaming.");
        _exportsCompleted = meter.CreateCounter<long>("portal.exports.completed", description: "Exports that delivered every row.");
        _exportsAborted = meter.CreateCounter<long>("portal.exports.aborted", description: "Exports cut off, by reason.");
        _exportBytes = meter.CreateCounter<long>("portal.exports.bytes", description: "Bytes sent by exports, complete or not.");
        _signIns = meter.CreateCounter<long>("portal.signins", description: "Sign-ins by method and outcome; failures by reason.");
    }

    /// <param name="endpoint">"export" or "explain".</param>
    public void Decision(string endpoint, Policy.Model.Effect effect) =>
        _decisions.Add(1, new("endpoint", endpoint), new("outcome", effect.ToString().ToLowerInvariant()));

    public void ExportStarted(string format) => _exportsStarted.Add(1, new KeyValuePair<string, object?>("format", format.ToLowerInvariant()));

    public void ExportCompleted(string format, long bytes)
    {
        _exportsCompleted.Add(1, new KeyValuePair<string, object?>("format", format.ToLowerInvariant()));
        _exportBytes.Add(bytes, new KeyValuePair<string, object?>("format", format.ToLowerInvariant()));
    }

    /// <param name="reason">A reason code ("export.client_gone", a policy reason code, …).</param>
    public void ExportAborted(string format, string reason, long bytes)
    {
        _exportsAborted.Add(1, new("format", format.ToLowerInvariant()), new("reason", reason));
        _exportBytes.Add(bytes, new KeyValuePair<string, object?>("format", format.ToLowerInvariant()));
    }

    public void SignInSucceeded(string method) => _signIns.Add(1, new("method", method), new("outcome", "succeeded"));

    /// <param name="reason">The failure code also written to the audit log (e.g. "signature.invalid", "account.suspended").</param>
    public void SignInFailed(string method, string reason) =>
        _signIns.Add(1, new("method", method), new("outcome", "failed"), new("reason", reason));
}
