using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Features.Audit;
using Portal.Features.Demo;
using Portal.Tests.Datasets;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Exports.Download;

/// <summary>Researchers download under policy: the bytes, the manifest and the audit trail agree.</summary>
public sealed class ExportDatasetTests(HospitalPortalFactory portal) : IClassFixture<HospitalPortalFactory>
{
    private const string HivResearch = "purpose=DS:HIV&ethics=UNI-IRB-2026-117";

    private async Task<HttpClient> SignedInAsync(Guid user)
    {
        await portal.PolicyLoadedAsync();
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    private static Uri Export(Guid dataset, string query) => new($"/api/datasets/{dataset}/export?{query}", UriKind.Relative);

    private async Task<JsonElement> CompletedManifestAsync(long startedId)
    {
        await using var db = portal.CreateDb();
        var completed = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Id > startedId && e.Type == "export.completed" && e.DatasetId == DemoSeed.PatientsDataset)
            .OrderBy(e => e.Id).FirstAsync();
        return completed.Details!.RootElement.Clone();
    }

    private async Task<List<string>> HospitalMrnsAsync()
    {
        await using var conn = new NpgsqlConnection(portal.HospitalConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT mrn FROM patients", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var mrns = new List<string>();
        while (await reader.ReadAsync())
        {
            mrns.Add(reader.GetString(0));
        }
        return mrns;
    }

    [Fact]
    public async Task A_researcher_with_a_grant_downloads_anonymized_csv_whose_manifest_and_audit_match_the_bytes()
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        using var response = await bob.GetAsync(Export(DemoSeed.PatientsDataset, HivResearch + "&format=csv"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var startedId = long.Parse(response.Headers.GetValues("X-Export-Id").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var manifest = await CompletedManifestAsync(startedId);

        Assert.True(manifest.GetProperty("complete").GetBoolean());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)), manifest.GetProperty("sha256").GetString(), ignoreCase: true);
        Assert.Equal(DemoSeed.BobPatientsGrant.ToString("D"), manifest.GetProperty("grantId").GetString());
        var lines = Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(manifest.GetProperty("rowsWritten").GetInt64() + 1, lines.Length);
        Assert.Equal(5000, manifest.GetProperty("rowsRead").GetInt64());
        Assert.True(manifest.GetProperty("rowsFilteredByConsent").GetInt64() > 0);
        var header = lines[0].Split(',');
        Assert.DoesNotContain("mrn", header);
        Assert.DoesNotContain("first_name", header);
        Assert.DoesNotContain("research_consent", header);
        Assert.Contains("patient_id", header);

        // Not one medical record number leaves the hospital.
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain((await HospitalMrnsAsync()).Take(500), mrn => text.Contains(mrn, StringComparison.Ordinal));

        await using var db = portal.CreateDb();
        var started = await db.AuditEvents.SingleAsync(e => e.Id == startedId);
        Assert.Equal("export.started", started.Type);
        Assert.Equal(DemoSeed.Bob, started.ActorUserId);
        Assert.Equal(DemoSeed.BobPatientsGrant, started.GrantId);
    }

    [Fact]
    public async Task Gzip_carries_the_same_bytes_and_jsonl_and_parquet_hold_the_same_rows()
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        var csv = await bob.GetByteArrayAsync(Export(DemoSeed.PatientsDataset, HivResearch + "&format=csv"));
        var gz = await bob.GetByteArrayAsync(Export(DemoSeed.PatientsDataset, HivResearch + "&format=csv&gzip=true"));
        await using (var unzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress))
        using (var plain = new MemoryStream())
        {
            await unzip.CopyToAsync(plain);
            // Pseudonyms are stable within a grant, so two exports under one grant are byte for byte the same.
            Assert.Equal(csv, plain.ToArray());
        }
        var csvRows = Encoding.UTF8.GetString(csv).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;

        var jsonl = await bob.GetStringAsync(Export(DemoSeed.PatientsDataset, HivResearch + "&format=jsonl"));
        var objects = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l)).ToList();
        Assert.Equal(csvRows, objects.Count);
        Assert.All(objects, o => Assert.False(o.RootElement.TryGetProperty("mrn", out _)));

        var parquet = await bob.GetByteArrayAsync(Export(DemoSeed.PatientsDataset, HivResearch + "&format=parquet"));
        await using var reader = await Parquet.ParquetReader.CreateAsync(new MemoryStream(parquet));
        long parquetRows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            parquetRows += group.RowCount;
        }
        Assert.Equal(csvRows, parquetRows);
    }

    public static TheoryData<string, Guid, string, string> Denials => new()
    {
        { "no grant", DemoSeed.AdmissionsDataset, "purpose=HMB", "grant.none" },
        { "purpose the grant does not cover", DemoSeed.PatientsDataset, "purpose=HMB&ethics=X", "duo.ds_requires_disease_research" },
        { "no ethics approval for an IRB dataset", DemoSeed.PatientsDataset, "purpose=DS:HIV", "duo.irb_requires_ethics_approval" },
        { "commercial use of an NCU dataset", DemoSeed.PatientsDataset, "purpose=DS:HIV&ethics=X&commercial=true", "duo.ncu_forbids_commercial" },
    };

    [Theory]
    [MemberData(nameof(Denials))]
    public async Task A_denied_export_is_403_with_its_reason_audited_and_carries_no_data(string _, Guid dataset, string query, string reason)
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        await using var before = portal.CreateDb();
        var last = await before.AuditEvents.MaxAsync(e => (long?)e.Id) ?? 0;

        using var response = await bob.GetAsync(Export(dataset, query));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var reasons = problem.RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToList();
        Assert.Contains(reason, reasons);
        // The problem's code is the policy's first reason, and so is the audit event's.
        var code = problem.RootElement.GetProperty("code").GetString();
        Assert.Equal(reasons[0], code);
        await using var db = portal.CreateDb();
        var events = await db.AuditEvents.Where(e => e.Id > last && e.ActorUserId == DemoSeed.Bob).ToListAsync();
        Assert.Contains(events, e => e.Type == "export.denied" && e.Reason == code);
        Assert.DoesNotContain(events, e => e.Type == "export.started");
    }

    [Theory]
    [InlineData("purpose=DS:HIV&format=xlsx", "format", "export.format.unknown")]
    [InlineData("purpose=NOPE", "purpose", "export.purpose.invalid")]
    [InlineData("format=csv", "purpose", "export.purpose.invalid")]
    public async Task Bad_input_is_a_problem_naming_the_field(string query, string field, string code)
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        using var response = await bob.GetAsync(Export(DemoSeed.PatientsDataset, query));
        await DatasetProblem.AssertAsync(response, HttpStatusCode.BadRequest, code, field);
    }

    [Fact]
    public async Task Anonymous_callers_get_401_and_no_data()
    {
        using var client = portal.CreateBrowserClient();
        using var response = await client.GetAsync(Export(DemoSeed.PatientsDataset, HivResearch));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

/// <summary>A revocation while a slow researcher is still downloading ends the stream within two seconds.</summary>
public sealed class ExportRevocationTests(LargeHospitalPortalFactory portal) : IClassFixture<LargeHospitalPortalFactory>
{
    [Fact]
    public async Task Revoking_mid_export_cuts_the_stream_within_two_seconds_and_records_it_as_aborted()
    {
        await portal.PolicyLoadedAsync();
        await CoarserProfileAsync();
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using var response = await bob.GetAsync(
            new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/export?purpose=DS:HIV&ethics=X&format=csv", UriKind.Relative),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        Assert.True(await body.ReadAsync(buffer) > 0, "the export started streaming");

        await using (var db = portal.CreateDb())
        {
            var grant = await db.Grants.FindAsync(DemoSeed.BobPatientsGrant);
            grant!.RevokedAt = portal.Clock.GetUtcNow();
            grant.RevokedById = DemoSeed.Alice;
            grant.RevocationReason = "test: revoked mid-export";
            await db.SaveChangesAsync();
        }
        var revokedAt = System.Diagnostics.Stopwatch.StartNew();
        var cutOff = false;
        try
        {
            // A slow consumer: 4 KiB every 10 ms, far slower than the export could go.
            while (await body.ReadAsync(buffer) > 0)
            {
                Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(10), "the stream went on long after the revocation");
                await Task.Delay(10);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException or InvalidOperationException)
        {
            cutOff = true;
        }
        Assert.True(cutOff, "the response ended as if complete");
        Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(2), $"the stream ended {revokedAt.Elapsed.TotalMilliseconds} ms after the revocation");

        await using var check = portal.CreateDb();
        AuditEvent? aborted = null;
        for (var i = 0; i < 50 && aborted is null; i++)
        {
            aborted = await check.AuditEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Type == "export.aborted");
            await Task.Delay(100);
        }
        Assert.NotNull(aborted);
        Assert.Equal("grant.revoked", aborted.Reason);
        Assert.False(aborted.Details!.RootElement.GetProperty("complete").GetBoolean());
        Assert.False(await check.AuditEvents.AnyAsync(e => e.Type == "export.completed"));
    }

    /// <summary>
    /// With 1,000,000 patients (the table size), birth year × sex × 3-digit postcode leaves most classes below k;
    /// dropping the postcode keeps most rows, so the download is long enough to be interrupted.
    /// </summary>
    private async Task CoarserProfileAsync()
    {
        var profile = System.Text.Json.Nodes.JsonNode.Parse(DemoSeed.DemoProfile())!;
        foreach (var column in profile["columns"]!.AsArray())
        {
            if ((string?)column!["name"] == "postcode")
            {
                column["transform"] = new System.Text.Json.Nodes.JsonObject { ["type"] = "drop" };
            }
        }
        await using var db = portal.CreateDb();
        var dataset = await db.Datasets.FindAsync(DemoSeed.PatientsDataset);
        dataset!.AnonymizationProfile = profile.ToJsonString();
        await db.SaveChangesAsync();
    }
}
