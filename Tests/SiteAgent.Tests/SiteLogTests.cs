using Microsoft.Extensions.Time.Testing;
using Portal.Connectors.SiteAgent.Orders;
using Portal.Connectors.SiteAgent.SiteLog;
using Portal.Connectors.SiteAgent.SitePolicy;

namespace Portal.Connectors.SiteAgent.Tests;

/// <summary>The site log: appended durably, chained, and the verifier finds an edited, removed or moved line.</summary>
public sealed class SiteLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("site-log-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private string LogPath => Path.Combine(_dir, SiteLogFile.FileName);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task WriteAsync(int count)
    {
        var (log, _) = SiteLogFile.Open(LogPath, _clock);
        await using (log)
        {
            for (var i = 0; i < count; i++)
            {
                await log.AppendAsync(new SiteLogEntry { Event = SiteLogEvents.Completed, OrderId = $"o{i}", GrantId = "g", Rows = 10 + i, Nonce = Convert.ToBase64String(new byte[] { (byte)i }) });
                _clock.Advance(TimeSpan.FromSeconds(1));
            }
        }
    }

    [Fact]
    public async Task Entries_are_numbered_chained_and_verify()
    {
        await WriteAsync(3);
        var entries = SiteLogFile.ReadAll(LogPath);
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Seq));
        Assert.Equal(SiteLogEntry.Genesis, entries[0].Prev);
        Assert.Equal(entries[0].Hash, entries[1].Prev);
        var result = SiteLogVerifier.Verify(LogPath);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(3, result.Entries);
    }

    [Fact]
    public async Task A_reopened_log_continues_the_chain()
    {
        await WriteAsync(2);
        await WriteAsync(2);
        Assert.Equal([1L, 2L, 3L, 4L], SiteLogFile.ReadAll(LogPath).Select(e => e.Seq));
        Assert.True(SiteLogVerifier.Verify(LogPath).Valid);
    }

    [Fact]
    public async Task An_edited_line_is_named()
    {
        await WriteAsync(4);
        var lines = File.ReadAllLines(LogPath);
        lines[1] = lines[1].Replace("\"rows\":11", "\"rows\":1", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(LogPath, lines);
        var result = SiteLogVerifier.Verify(LogPath);
        Assert.False(result.Valid);
        Assert.Equal(2, result.BadSeq);
        Assert.Contains("hash does not match", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edited_line_with_its_hash_recomputed_breaks_the_next_line()
    {
        await WriteAsync(4);
        var lines = File.ReadAllLines(LogPath);
        var edited = SiteLogEntry.Parse(lines[1]) with { Rows = 1, Hash = null };
        lines[1] = (edited with { Hash = edited.ComputeHash() }).ToLine();
        await File.WriteAllLinesAsync(LogPath, lines);
        var result = SiteLogVerifier.Verify(LogPath);
        Assert.Equal(3, result.BadSeq);
        Assert.Contains("prev", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_middle_line_is_named()
    {
        await WriteAsync(4);
        var lines = File.ReadAllLines(LogPath).ToList();
        lines.RemoveAt(1);
        await File.WriteAllLinesAsync(LogPath, lines);
        var result = SiteLogVerifier.Verify(LogPath);
        Assert.Equal(3, result.BadSeq);
        Assert.Contains("missing or out of order", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reordered_lines_are_named()
    {
        await WriteAsync(4);
        var lines = File.ReadAllLines(LogPath);
        (lines[1], lines[2]) = (lines[2], lines[1]);
        await File.WriteAllLinesAsync(LogPath, lines);
        Assert.Equal(3, SiteLogVerifier.Verify(LogPath).BadSeq);
    }

    [Fact]
    public async Task A_cut_off_end_still_verifies_as_the_docs_say()
    {
        await WriteAsync(4);
        await File.WriteAllLinesAsync(LogPath, File.ReadAllLines(LogPath)[..3]);
        Assert.True(SiteLogVerifier.Verify(LogPath).Valid);
    }

    [Fact]
    public async Task A_restart_remembers_recent_nonces_and_todays_rows()
    {
        await WriteAsync(3);
        var nonces = new NonceRegistry(_clock);
        var rows = new DailyRows(_clock);
        SiteLogReplay.Restore(SiteLogFile.ReadAll(LogPath), nonces, rows, _clock);
        Assert.False(nonces.TryUse([0], _clock.GetUtcNow() + TimeSpan.FromSeconds(30)));
        Assert.Equal(10 + 11 + 12, rows.SentToday("g"));
        _clock.Advance(SiteLogReplay.NonceWindow);
        Assert.True(nonces.TryUse([0], _clock.GetUtcNow() + TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_verify_command_exits_1_naming_the_sequence_number()
    {
        await WriteAsync(3);
        var lines = File.ReadAllLines(LogPath).ToList();
        lines.RemoveAt(0);
        await File.WriteAllLinesAsync(LogPath, lines);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(1, await Program.RunAsync(["log", "verify", "--state", _dir], output, error, CancellationToken.None));
        Assert.Contains("sequence number 2", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await Program.RunAsync(["log", "show", "--state", _dir, "--tail", "1"], output, error, CancellationToken.None));
        Assert.Contains("order=o2", output.ToString(), StringComparison.Ordinal);
    }
}
