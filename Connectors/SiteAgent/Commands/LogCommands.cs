using System.Globalization;
using Portal.Connectors.SiteAgent.SiteLog;
using Portal.Connectors.SiteAgent.SitePolicy;

namespace Portal.Connectors.SiteAgent.Commands;

/// <summary>log show [--config site.json | --state DIR] [--tail N], and log verify: the owner's view of the site log.</summary>
public static class LogCommands
{
    public static async Task<int> ShowAsync(IEnumerable<string> args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var a = new CommandArguments(args, "config", "state", "tail");
        var path = LogPath(a);
        var tail = a.Optional("tail") is { } t
            ? int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new SiteAgentException("--tail must be a positive number")
            : int.MaxValue;
        var entries = File.Exists(path) ? SiteLogFile.ReadAll(path) : [];
        foreach (var e in entries.Skip(Math.Max(0, entries.Count - tail)))
        {
            await output.WriteLineAsync(Format(e)).ConfigureAwait(false);
        }
        return 0;
    }

    public static async Task<int> VerifyAsync(IEnumerable<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var path = LogPath(new CommandArguments(args, "config", "state"));
        var result = SiteLogVerifier.Verify(path);
        if (!result.Valid)
        {
            await error.WriteLineAsync($"site log {path} is broken at sequence number {result.BadSeq}: {result.Reason}").ConfigureAwait(false);
            return 1;
        }
        await output.WriteLineAsync($"site log {path}: {result.Entries} entries, the chain holds (a cut-off end cannot be seen without an anchor kept elsewhere)").ConfigureAwait(false);
        return 0;
    }

    /// <summary>log reconcile --audit portal-audit.jsonl: exports on one side only, or with different bytes, are named; exit 1 if any.</summary>
    public static async Task<int> ReconcileAsync(IEnumerable<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var a = new CommandArguments(args, "config", "state", "audit");
        var path = LogPath(a);
        var auditFile = a.Optional("audit") ?? throw new SiteAgentException("--audit <file> is required: the portal's audit export as JSON Lines");
        var state = Path.GetDirectoryName(path)!;
        var (enrolled, key) = Enrollment.EnrollmentState.Load(state);
        key.Dispose();
        var agentId = enrolled.AgentId;
        var findings = SiteLogReconcile.Compare(File.Exists(path) ? SiteLogFile.ReadAll(path) : [], File.ReadLines(auditFile), agentId);
        foreach (var f in findings)
        {
            await error.WriteLineAsync($"order {f.OrderId}: {f.Finding}").ConfigureAwait(false);
        }
        await output.WriteLineAsync(findings.Count == 0
            ? "site log and portal audit agree on every export that sent data"
            : $"{findings.Count} export(s) the site log and the portal's audit disagree about").ConfigureAwait(false);
        return findings.Count == 0 ? 0 : 1;
    }

    private static string LogPath(CommandArguments a)
    {
        var state = a.Optional("state") ?? SiteConfig.Load(a.Optional("config") ?? "site.json").StateDirectory;
        return Path.Combine(state, SiteLogFile.FileName);
    }

    private static string Format(SiteLogEntry e)
    {
        var parts = new List<string>
        {
            e.Seq.ToString(CultureInfo.InvariantCulture),
            e.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            e.Event,
        };
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}={Convert.ToString(value, CultureInfo.InvariantCulture)}");
            }
        }
        Add("order", e.OrderId);
        Add("kind", e.Kind);
        Add("dataset", e.Dataset);
        Add("grant", e.GrantId);
        Add("requester", e.RequesterRef);
        Add("code", e.Code);
        Add("rows", e.Rows);
        Add("bytes", e.Bytes);
        Add("sha256", e.Sha256);
        return string.Join(' ', parts);
    }
}
