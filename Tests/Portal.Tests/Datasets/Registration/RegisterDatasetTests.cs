using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Parquet;
using Parquet.Schema;
using Portal.Features.Datasets;
using Portal.Features.Demo;
using Portal.Tests.Datasets;
using Portal.Tests.VirtualOrganizations;

namespace Portal.Tests.Datasets.Registration;

/// <summary>Registering sources: PostgreSQL on the allow-list only, uploads streamed and checked, bad input named.</summary>
public sealed class RegisterDatasetTests(DatasetsPortalFactory portal) : IClassFixture<DatasetsPortalFactory>
{
    [Fact]
    public async Task A_postgres_table_on_an_allowed_host_becomes_a_draft_of_the_caller_with_unclassified_columns_and_an_encrypted_password()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var name = "Patients " + Guid.NewGuid().ToString("N");
        using var response = await alice.PostAsJsonAsync("/api/datasets", portal.PatientsSource(name));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("id").GetGuid();
        Assert.Equal("Draft", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Owner", body.RootElement.GetProperty("myRole").GetString());
        var columns = body.RootElement.GetProperty("manage").GetProperty("columns").EnumerateArray().ToList();
        Assert.Contains(columns, c => c.GetProperty("name").GetString() == "birth_date" && c.GetProperty("dataType").GetString() == "date");
        Assert.All(columns, c => Assert.Equal("Unclassified", c.GetProperty("classification").GetString()));
        Assert.True(body.RootElement.GetProperty("manage").GetProperty("source").GetProperty("hasPassword").GetBoolean());
        Assert.False(body.RootElement.GetProperty("manage").GetProperty("source").TryGetProperty("password", out _));
        Assert.False(body.RootElement.GetProperty("manage").GetProperty("source").TryGetProperty("protectedPassword", out _));

        await using var db = portal.CreateDb();
        var stored = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == id);
        Assert.Equal(DemoSeed.Alice, stored.OwnerId);
        Assert.Equal(DatasetStatus.Draft, stored.Status);
        Assert.Equal(12, stored.Columns.Count);
        var password = new NpgsqlConnectionStringBuilder(portal.HospitalConnectionString).Password!;
        Assert.NotNull(stored.Connector.ProtectedPassword);
        Assert.NotEqual(password, stored.Connector.ProtectedPassword);
        await using var conn = new NpgsqlConnection(portal.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT connector::text FROM datasets WHERE id = $1", conn) { Parameters = { new() { Value = id } } };
        var raw = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.DoesNotContain(password, raw, StringComparison.Ordinal);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.DatasetId == id && e.Type == "dataset.registered" && e.ActorUserId == DemoSeed.Alice));
    }

    [Fact]
    public async Task A_host_not_on_the_allow_list_is_400_naming_host_and_nothing_is_stored()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var name = "Elsewhere " + Guid.NewGuid().ToString("N");
        using var response = await alice.PostAsJsonAsync("/api/datasets", portal.PatientsSource(name, host: "db.attacker.example"));

        await DatasetProblem.AssertAsync(response, HttpStatusCode.BadRequest, "dataset.source.host_not_allowed", "host");
        await using var db = portal.CreateDb();
        Assert.False(await db.Datasets.AnyAsync(d => d.Name == name));
    }

    [Fact]
    public async Task A_relation_that_does_not_exist_is_400_naming_relation()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        using var response = await alice.PostAsJsonAsync("/api/datasets", portal.PatientsSource("Nothing " + Guid.NewGuid().ToString("N"), relation: "no_such_table"));
        await DatasetProblem.AssertAsync(response, HttpStatusCode.BadRequest, "source.postgres.relation_missing", "relation");
    }

    [Fact]
    public async Task An_overlong_name_is_400_naming_name()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        using var response = await alice.PostAsJsonAsync("/api/datasets", portal.PatientsSource(new string('x', DatasetRules.NameMax + 1)));
        await DatasetProblem.AssertAsync(response, HttpStatusCode.BadRequest, "dataset.field.too_long", "name");
    }

    private static MultipartFormDataContent Upload(string name, byte[] file, string fileName, string? format = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new StringContent("uploaded in a test"), "description" },
        };
        if (format is not null)
        {
            form.Add(new StringContent(format), "format");
        }
        form.Add(new ByteArrayContent(file), "file", fileName);
        return form;
    }

    [Fact]
    public async Task An_uploaded_csv_is_stored_under_a_generated_name_in_the_upload_folder_and_its_header_is_the_schema()
    {
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        var csv = "id,email,visit_date\n1,ann@example.org,2024-01-02\n2,ben@example.org,2024-02-03\n"u8.ToArray();
        using var form = Upload("Visits " + Guid.NewGuid().ToString("N"), csv, "../../etc/visits.csv");
        using var response = await bob.PostAsync(new Uri("/api/datasets/upload", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["id", "email", "visit_date"], body.RootElement.GetProperty("manage").GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        await using var db = portal.CreateDb();
        var id = body.RootElement.GetProperty("id").GetGuid();
        var stored = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == id);
        Assert.Equal(ConnectorKind.Csv, stored.Connector.Kind);
        Assert.DoesNotContain("visits", stored.Connector.FilePath!, StringComparison.Ordinal);
        Assert.Equal(csv, await File.ReadAllBytesAsync(Path.Combine(portal.UploadFolder, stored.Connector.FilePath!)));

        using var suggestions = await bob.GetAsync(new Uri($"/api/datasets/{id}/suggestions", UriKind.Relative));
        using var s = JsonDocument.Parse(await suggestions.Content.ReadAsStringAsync());
        var email = s.RootElement.EnumerateArray().Single(x => x.GetProperty("name").GetString() == "email");
        Assert.Equal("DirectIdentifier", email.GetProperty("suggested").GetString());
    }

    private static readonly string?[] Postcodes = ["1011 AB", "3512 JK", "9711 LM"];
    private static readonly long[] SubjectIds = [1, 2, 3];
    private static readonly double[] Weights = [70.5, 80.1, 65.0];

    [Fact]
    public async Task An_uploaded_parquet_file_is_read_for_its_schema()
    {
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        var schema = new ParquetSchema(new DataField<long>("subject_id"), new DataField<string>("postcode"), new DataField<double>("weight"));
        using var file = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, file))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(schema.DataFields[0], SubjectIds.AsMemory(), null, null, CancellationToken.None);
            await group.WriteAsync(schema.DataFields[1], new ArraySegment<string?>(Postcodes), null);
            await group.WriteAsync<double>(schema.DataFields[2], Weights.AsMemory(), null, null, CancellationToken.None);
        }
        using var form = Upload("Weights " + Guid.NewGuid().ToString("N"), file.ToArray(), "weights.parquet");
        using var response = await bob.PostAsync(new Uri("/api/datasets/upload", UriKind.Relative), form);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        using var body = JsonDocument.Parse(text);
        Assert.Equal("Parquet", body.RootElement.GetProperty("manage").GetProperty("source").GetProperty("kind").GetString());
        Assert.Equal(["subject_id", "postcode", "weight"], body.RootElement.GetProperty("manage").GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_413_and_leaves_no_file_and_no_dataset()
    {
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        var big = new StringBuilder("id,value\n");
        for (var i = 0; big.Length <= DatasetsPortalFactory.MaxUpload; i++)
        {
            big.Append(i).Append(",some value ").Append(i).Append('\n');
        }
        var name = "Big " + Guid.NewGuid().ToString("N");
        var before = Directory.Exists(portal.UploadFolder) ? Directory.GetFiles(portal.UploadFolder).Length : 0;
        using var form = Upload(name, Encoding.UTF8.GetBytes(big.ToString()), "big.csv");
        using var response = await bob.PostAsync(new Uri("/api/datasets/upload", UriKind.Relative), form);

        await DatasetProblem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "dataset.upload.too_large", "file");
        Assert.Equal(before, Directory.Exists(portal.UploadFolder) ? Directory.GetFiles(portal.UploadFolder).Length : 0);
        await using var db = portal.CreateDb();
        Assert.False(await db.Datasets.AnyAsync(d => d.Name == name));
    }

    [Fact]
    public async Task A_malformed_csv_is_400_saying_which_line_is_wrong()
    {
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        using var form = Upload("Ragged " + Guid.NewGuid().ToString("N"), "a,b,c\n1,2,3\n4,5\n"u8.ToArray(), "ragged.csv");
        using var response = await bob.PostAsync(new Uri("/api/datasets/upload", UriKind.Relative), form);

        var detail = (await DatasetProblem.AssertAsync(response, HttpStatusCode.BadRequest, "source.csv.field_count", "file")).GetProperty("detail").GetString();
        Assert.Contains("line 3", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_of_another_format_is_400_naming_format()
    {
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        using var form = Upload("Sheet " + Guid.NewGuid().ToString("N"), "PK"u8.ToArray(), "sheet.xlsx");
        using var response = await bob.PostAsync(new Uri("/api/datasets/upload", UriKind.Relative), form);
        await DatasetProblem.AssertAsync(response, HttpStatusCode.BadRequest, "dataset.upload.format_invalid", "format");
    }
}
