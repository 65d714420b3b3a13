using System.Text.Json;

namespace Portal.Connectors.SiteAgent.SiteLog;

/// <summary>
/// Walks the chain: every line must parse, number itself one after the line before, name that line's hash as its
/// prev and hash to its own hash. A line cut off the end leaves a shorter valid chain: that needs an anchor kept
/// elsewhere (the portal's checkpoints, a copy of the last hash), which this check does not have.
/// </summary>
public static class SiteLogVerifier
{
    /// <param name="Entries">Lines that passed.</param>
    /// <param name="BadSeq">The sequence number of the first bad line (its line number when it has none).</param>
    public sealed record Result(long Entries, long? BadSeq, string? Reason)
    {
        public bool Valid => Reason is null;
    }

    public static Result Verify(string path)
    {
        if (!File.Exists(path))
        {
            return new Result(0, null, null);
        }
        var expectedSeq = 1L;
        var prev = SiteLogEntry.Genesis;
        var count = 0L;
        foreach (var line in File.ReadLines(path))
        {
            SiteLogEntry entry;
            try
            {
                entry = SiteLogEntry.Parse(line);
            }
            catch (JsonException e)
            {
                return new Result(count, expectedSeq, $"line {count + 1} is not a site log entry: {e.Message.Split(" Path:")[0]}");
            }
            if (entry.Seq != expectedSeq)
            {
                return new Result(count, entry.Seq, $"expected sequence number {expectedSeq} here: a line is missing or out of order");
            }
            if (entry.Prev != prev)
            {
                return new Result(count, entry.Seq, "its prev is not the hash of the line before: a line before it was changed, removed or moved");
            }
            if (entry.Hash != entry.ComputeHash())
            {
                return new Result(count, entry.Seq, "its hash does not match its content: the line was changed");
            }
            prev = entry.Hash;
            expectedSeq++;
            count++;
        }
        return new Result(count, null, null);
    }
}
