using System.Text;
using System.Text.Json;

namespace Portal.Connectors.SiteAgent.SiteLog;

/// <summary>
/// The site's append-only, hash-chained record (state/site-log.jsonl). Each entry is written and flushed to the
/// disk (fsync) before <see cref="AppendAsync"/> returns, so whatever the agent does next (send an order's first
/// byte, its closing) is already on record.
/// </summary>
public sealed class SiteLogFile : IAsyncDisposable
{
    public const string FileName = "site-log.jsonl";

    private readonly FileStream _file;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _seq;
    private string _last;

    private SiteLogFile(FileStream file, TimeProvider clock, long seq, string last)
    {
        _file = file;
        _clock = clock;
        _seq = seq;
        _last = last;
    }

    public string Path => _file.Name;

    /// <summary>Opens (or creates) the log and returns the entries it already holds, for the caller to reload state from.</summary>
    /// <exception cref="SiteLogException">A line cannot be read: the owner should run `log verify`.</exception>
    public static (SiteLogFile Log, IReadOnlyList<SiteLogEntry> Entries) Open(string path, TimeProvider clock)
    {
        var entries = File.Exists(path) ? ReadAll(path) : [];
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var last = entries.Count == 0 ? (0L, SiteLogEntry.Genesis) : (entries[^1].Seq, entries[^1].Hash ?? "");
        return (new SiteLogFile(file, clock, last.Item1, last.Item2), entries);
    }

    /// <summary>Every entry of the log, in file order.</summary>
    public static List<SiteLogEntry> ReadAll(string path)
    {
        var entries = new List<SiteLogEntry>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            try
            {
                entries.Add(SiteLogEntry.Parse(line));
            }
            catch (JsonException e)
            {
                throw new SiteLogException($"line {number} of {path} is not a site log entry ({e.Message.Split(" Path:")[0]}); run `log verify`");
            }
        }
        return entries;
    }

    /// <summary>Appends <paramref name="entry"/> with the next sequence number, the time and the chain, durably.</summary>
    public async Task<SiteLogEntry> AppendAsync(SiteLogEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var chained = entry with { Seq = _seq + 1, Time = _clock.GetUtcNow(), Prev = _last, Hash = null };
            chained = chained with { Hash = chained.ComputeHash() };
            var bytes = Encoding.UTF8.GetBytes(chained.ToLine() + "\n");
            await _file.WriteAsync(bytes, CancellationToken.None).ConfigureAwait(false);
            _file.Flush(flushToDisk: true);
            _seq = chained.Seq;
            _last = chained.Hash!;
            return chained;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}

#pragma warning disable CA1032 // Always made with the sentence the owner reads.
public sealed class SiteLogException(string message) : Exception(message);
#pragma warning restore CA1032
