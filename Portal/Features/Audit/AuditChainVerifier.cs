using Npgsql;

namespace Portal.Features.Audit;

/// <summary>
/// Walks the chain in order and recomputes every hash with its own copy of the canonical form, so a changed trigger
/// function cannot vouch for itself. Reports the first event whose content, link or position does not check out.
/// </summary>
public static class AuditChainVerifier
{
    public sealed record Result(bool Intact, long Events, long? BrokenEventId, long? BrokenChainSeq, string Message);

    private static readonly string Query = $"""
        SELECT e.id, e.chain_seq, e.previous_hash, e.hash,
               sha256(coalesce(e.previous_hash, '\x'::bytea) || convert_to({AuditChainSql.Canonical}, 'UTF8')) AS expected
        FROM audit_events e
        ORDER BY e.chain_seq NULLS FIRST, e.id
        """;

    public static async Task<Result> VerifyAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var cmd = new NpgsqlCommand(Query, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        byte[] previous = [];
        long seq = 0;
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            if (reader.IsDBNull(1) || reader.IsDBNull(3))
            {
                return Broken(id, null, seq, $"event {id} has no place in the chain (inserted with the chain trigger disabled?)");
            }
            var chainSeq = reader.GetInt64(1);
            var storedPrevious = reader.IsDBNull(2) ? [] : (byte[])reader[2];
            var hash = (byte[])reader[3];
            var expected = (byte[])reader[4];
            if (chainSeq != seq + 1)
            {
                return Broken(id, chainSeq, seq, $"event {id} is at position {chainSeq} but position {seq + 1} comes next: an event before it was deleted");
            }
            if (!storedPrevious.AsSpan().SequenceEqual(previous))
            {
                return Broken(id, chainSeq, seq, $"event {id} does not link to the event before it: an event was deleted or altered");
            }
            if (!hash.AsSpan().SequenceEqual(expected))
            {
                return Broken(id, chainSeq, seq, $"event {id} was altered after it was recorded: its content does not match its hash");
            }
            previous = hash;
            seq = chainSeq;
        }
        return new Result(true, seq, null, null,
            seq == 0 ? "audit log is empty" : $"audit chain intact: {seq} events, last hash {Convert.ToHexStringLower(previous)}");
    }

    private static Result Broken(long id, long? chainSeq, long checkedEvents, string message) => new(false, checkedEvents, id, chainSeq, message);
}
