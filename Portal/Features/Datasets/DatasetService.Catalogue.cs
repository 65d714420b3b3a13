using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Features.SignIn;

namespace Portal.Features.Datasets;

public sealed partial class DatasetService
{
    /// <summary>
    /// One round trip: whether the caller may read the VO's catalogue (an active user with a live membership of a VO
    /// that is not archived), the number of entries, and one page of them. The header row always comes back (LEFT JOIN),
    /// so "not a member" and "empty catalogue" are told apart without a second query. Served at load-test rates:
    /// it touches the memberships' unique (vo_id, user_id) index and dataset_shares' vo_id index only, and is prepared.
    /// </summary>
    private const string CatalogueSql = """
        WITH me AS (
          SELECT
            EXISTS (SELECT 1 FROM virtual_organizations v WHERE v.id = @vo AND v.archived_at IS NULL) AS vo_exists,
            EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
                    WHERE m.vo_id = @vo AND m.user_id = @user AND m.status = 'Active' AND NOT u.suspended
                      AND (m.expires_at IS NULL OR m.expires_at > @now)) AS member
        ), entries AS (
          SELECT d.id, d.name, d.description, d.data_use::text AS data_use, d.terms_of_use, d.terms_version, d.default_k,
                 o.display_name AS owner_name, i.name AS institution, s.shared_at
          FROM dataset_shares s
          JOIN datasets d ON d.id = s.dataset_id
          JOIN users o ON o.id = d.owner_id
          LEFT JOIN institutions i ON i.id = o.institution_id
          WHERE s.vo_id = @vo AND d.status = 'Active'
        ), page AS (
          SELECT * FROM entries WHERE (SELECT member FROM me) ORDER BY name, id OFFSET @skip LIMIT @take
        )
        SELECT me.vo_exists, me.member,
               CASE WHEN me.member THEN (SELECT count(*) FROM entries) ELSE 0 END AS total,
               page.id, page.name, page.description, page.data_use, page.terms_of_use, page.terms_version, page.default_k,
               page.owner_name, page.institution, page.shared_at
        FROM me LEFT JOIN page ON TRUE
        ORDER BY page.name, page.id
        """;

    private static readonly JsonSerializerOptions DataUseJson = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Active datasets shared into a VO, for its live members, by name.</summary>
    public async Task<Outcome<PageOf<CatalogueEntry>>> CatalogueAsync(Caller caller, Guid voId, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.UserId is not { } userId)
        {
            return Failure.SignInRequired;
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(CatalogueSql, connection);
        command.Parameters.AddWithValue("vo", voId);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        command.Parameters.AddWithValue("skip", paging.Skip);
        command.Parameters.AddWithValue("take", paging.PageSize);
        // Prepared once per pooled connection: planning this statement costs several times its execution
        // (pgbench on the demo data: 0.5-0.9 ms a call unprepared, 0.12 ms prepared).
        await command.PrepareAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var items = new List<CatalogueEntry>(paging.PageSize);
        bool voExists = false, member = false;
        long total = 0;
        while (await reader.ReadAsync(ct))
        {
            voExists = reader.GetBoolean(0);
            member = reader.GetBoolean(1);
            total = reader.GetInt64(2);
            if (reader.IsDBNull(3))
            {
                continue;
            }
            var dataUse = JsonSerializer.Deserialize<DataUseConditions>(reader.GetString(6), DataUseJson) ?? new DataUseConditions();
            items.Add(new CatalogueEntry(reader.GetGuid(3), reader.GetString(4), reader.GetString(5), DuoText(dataUse), reader.GetString(7),
                reader.GetInt32(8), reader.GetInt32(9), reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.GetFieldValue<DateTimeOffset>(12)));
        }
        if (!voExists)
        {
            return Failure.NotFound("No such virtual organization.");
        }
        if (!member)
        {
            return Failure.Forbidden("Only members of this virtual organization see its catalogue.");
        }
        return new PageOf<CatalogueEntry>(items, paging.Page, paging.PageSize, (int)total);
    }
}
