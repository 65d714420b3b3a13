using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Features.Demo;
using Portal.Tests.Datasets;

namespace Portal.Tests.Security;

/// <summary>The hospital portal with three connection tests a minute per person and "localhost" allow-listed too.</summary>
public sealed class RegistrationSourceFactory : DatasetsPortalFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
        base.ExtraSettings.Concat(
        [
            new("Connectors:AllowedHosts:1", "localhost"),
            new("Connectors:ConnectionTestsPerMinute", "3"),
        ]);
}

/// <summary>
/// Issue #18, M3: registration was a port scanner and a password oracle, and the portal's own database was a source.
/// Now every connection failure is one code, the detail is audited, tests are rate-limited per person, the portal's
/// database is refused however its host is spelled, and only people who may own datasets may try.
/// </summary>
public sealed class RegistrationSourceTests(RegistrationSourceFactory portal) : IClassFixture<RegistrationSourceFactory>
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task The_portal_s_own_database_is_never_a_source(string host)
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var own = new NpgsqlConnectionStringBuilder(portal.ConnectionString);
        using var response = await alice.PostAsJsonAsync("/api/datasets", new
        {
            name = "sessions",
            host,
            port = own.Port,
            database = own.Database,
            relation = "api_tokens",
            username = own.Username,
            password = own.Password,
        });
        await DatasetProblem.AssertAsync(response, HttpStatusCode.BadRequest, "dataset.source.portal_database", "database");
    }

    [Fact]
    public async Task A_wrong_password_and_a_closed_port_get_the_same_answer_and_the_audit_keeps_the_detail()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var hospital = new NpgsqlConnectionStringBuilder(portal.HospitalConnectionString);
        using var wrongPassword = await alice.PostAsJsonAsync("/api/datasets", new
        {
            name = "guess",
            host = "127.0.0.1",
            port = hospital.Port,
            database = hospital.Database,
            relation = "patients",
            username = hospital.Username,
            password = "not-it",
        });
        var first = await DatasetProblem.AssertAsync(wrongPassword, HttpStatusCode.BadRequest, "dataset.source.unreachable", "host");
        using var closedPort = await alice.PostAsJsonAsync("/api/datasets", new
        {
            name = "scan",
            host = "127.0.0.1",
            port = 1,
            database = hospital.Database,
            relation = "patients",
            username = hospital.Username,
            password = "x",
        });
        var second = await DatasetProblem.AssertAsync(closedPort, HttpStatusCode.BadRequest, "dataset.source.unreachable", "host");
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
        Assert.DoesNotContain("28P01", first.GetRawText(), StringComparison.Ordinal);

        await using var db = portal.CreateDb();
        var details = (await db.AuditEvents.Where(e => e.Type == "dataset.source.test_failed" && e.ActorUserId == DemoSeed.Alice)
            .Select(e => e.Details).ToListAsync()).Select(d => d!.RootElement.GetRawText()).ToList();
        Assert.Equal(2, details.Count);
        Assert.Contains(details, d => d.Contains("28P01", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connection_tests_are_rate_limited_per_person()
    {
        using var dave = await portal.SignedInAsync(DemoSeed.Dave);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await dave.PostAsJsonAsync("/api/datasets", new
            {
                name = $"probe {i}",
                host = "127.0.0.1",
                port = 1,
                database = "x",
                relation = "r",
                username = "u",
                password = "p",
            });
            statuses.Add(response.StatusCode);
            if (i == 3)
            {
                await DatasetProblem.AssertAsync(response, HttpStatusCode.TooManyRequests, "dataset.source.rate_limited");
            }
        }
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Someone_who_may_not_own_datasets_may_not_test_connections_or_upload()
    {
        await using (var db = portal.CreateDb())
        {
            await db.Users.Where(u => u.Id == DemoSeed.Bob).ExecuteUpdateAsync(u => u.SetProperty(x => x.InstitutionId, (Guid?)null));
        }
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        await using (var db = portal.CreateDb())
        {
            // Signing in again may re-link the institution; the rule is about the row as it is now.
            await db.Users.Where(u => u.Id == DemoSeed.Bob).ExecuteUpdateAsync(u => u.SetProperty(x => x.InstitutionId, (Guid?)null));
        }
        using var response = await bob.PostAsJsonAsync("/api/datasets", portal.PatientsSource("bob's"));
        await DatasetProblem.AssertAsync(response, HttpStatusCode.Forbidden, "dataset.register.not_allowed");
        using var form = new MultipartFormDataContent { { new StringContent("x"), "name" }, { new ByteArrayContent("a,b\n1,2\n"u8.ToArray()), "file", "x.csv" } };
        using var upload = await bob.PostAsync(new Uri("/api/datasets/upload", UriKind.Relative), form);
        await DatasetProblem.AssertAsync(upload, HttpStatusCode.Forbidden, "dataset.register.not_allowed");
    }

    [Theory]
    [InlineData("post\u0007gres")]
    [InlineData("pa\u202Etients")]
    public async Task Source_identifiers_with_control_or_bidi_characters_are_refused(string value)
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        using var response = await alice.PostAsJsonAsync("/api/datasets", new { name = "x", host = "127.0.0.1", database = "d", relation = value, username = "u" });
        await DatasetProblem.AssertAsync(response, HttpStatusCode.BadRequest, "dataset.source.identifier_characters", "relation");
    }
}
