using System.Globalization;
using System.Net;
using System.Text;
using Portal.Features.Datasets;
using Portal.Features.Demo;
using Portal.Features.VirtualOrganizations;

namespace Portal.Tests.Authorization;

/// <summary>
/// Every API endpoint × every <see cref="Persona"/>: exactly the expected status, from one table. Columns, in order:
/// anonymous, researcher without grant, researcher with grant, member of another VO, owner of another dataset, steward,
/// VO admin, auditor, owner. 404 where the caller may not even learn that the thing exists; an invitation-only VO
/// answers outsiders 403 (its id tells nothing, and invitees need to know it exists).
/// Calls that change something get a fresh target per persona (<see cref="Endpoint.Fresh"/>, "{fresh}" in the path or
/// body), so neither the order of the personas nor of the rows can change the answers.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationWorld world) : IClassFixture<AuthorizationWorld>
{
    /// <summary>One endpoint call and the status each persona must get.</summary>
    public sealed record Endpoint(string Method, string Path, string? Body, string Expect, Func<AuthorizationWorld, Task<Guid>>? Fresh = null)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    internal static readonly Endpoint[] Table =
    [
        //                                                                    anon  noGrant grant otherVo otherDs steward voAdmin auditor owner
        new("GET", "/api/me", null, "401 200 200 200 200 200 200 200 200"),
        new("GET", "/api/notifications", null, "401 200 200 200 200 200 200 200 200"),
        new("GET", "/api/tokens", null, "401 200 200 200 200 200 200 200 200"),
        new("POST", "/api/tokens", """{"name":"t {unique}","scopes":["catalogue:read"],"expiresInDays":7}""", "401 201 201 201 201 201 201 201 201"),
        new("POST", "/api/notifications/{fresh}/read", null, "401 404 204 404 404 404 404 404 404", w => w.FreshNotificationOfBobAsync()),
        new("POST", "/api/notifications/read-all", null, "401 200 200 200 200 200 200 200 200"),
        new("GET", "/api/permissions/{me}", null, "401 200 200 200 200 200 200 200 200"),
        new("GET", "/api/permissions/{bob}", null, "401 403 200 403 403 403 403 403 403"),

        new("GET", "/api/vos", null, "401 200 200 200 200 200 200 200 200"),
        new("GET", "/api/vos/open", null, "401 200 200 200 200 200 200 200 200"),
        new("GET", "/api/vos/{vo}", null, "401 200 200 403 403 403 200 403 200"),
        new("GET", "/api/vos/{vo}/members", null, "401 200 200 403 403 403 200 403 200"),
        new("GET", "/api/vos/{vo}/invitations", null, "401 403 403 403 403 403 200 403 403"),
        new("GET", "/api/vos/{vo}/join-requests", null, "401 403 403 403 403 403 200 403 403"),
        new("GET", "/api/vos/{otherVo}", null, "401 200 200 200 200 200 200 200 200"),

        new("POST", "/api/vos", """{"name":"VO {unique}"}""", "401 201 201 201 201 201 201 201 201"),
        new("PUT", "/api/vos/{vo}/members/{bystander}/role", """{"role":"member"}""", "401 403 403 403 403 403 200 403 403"),
        new("PUT", "/api/vos/{vo}/members/{bystander}/expiry", """{"expiresAt":"2027-06-01T00:00:00Z"}""", "401 403 403 403 403 403 200 403 403"),
        new("DELETE", "/api/vos/{vo}/members/{fresh}", null, "401 403 403 403 403 403 204 403 403", w => w.FreshMemberAsync(DemoSeed.CohortVo, MembershipStatus.Active)),
        new("POST", "/api/vos/{vo}/invitations", """{"role":"member"}""", "401 403 403 403 403 403 201 403 403"),
        new("DELETE", "/api/vos/{vo}/invitations/{fresh}", null, "401 403 403 403 403 403 204 403 403", w => w.FreshInvitationAsync(DemoSeed.CohortVo)),
        new("POST", "/api/vos/{otherVo}/join-requests/{fresh}/approve", null, "401 403 403 200 403 403 403 403 403", w => w.FreshMemberAsync(AuthorizationWorld.OtherVo, MembershipStatus.Pending)),
        new("POST", "/api/vos/{otherVo}/join-requests/{fresh}/reject", """{"reason":"not this year"}""", "401 403 403 200 403 403 403 403 403", w => w.FreshMemberAsync(AuthorizationWorld.OtherVo, MembershipStatus.Pending)),
        new("POST", "/api/invitations/accept", """{"token":"not-a-token"}""", "401 400 400 400 400 400 400 400 400"),
        new("DELETE", "/api/tokens/{fresh}", null, "401 404 200 404 404 404 404 404 404", w => w.FreshTokenOfBobAsync()),

        new("POST", "/api/access-requests", Request("{patients}"), "401 201 201 404 404 404 201 404 201"),
        new("GET", "/api/access-requests", null, "401 200 200 200 200 200 200 200 200"),
        new("GET", "/api/access-requests/inbox", null, "401 200 200 200 200 200 200 200 200"),
        new("GET", "/api/access-requests/form/{patients}", null, "401 200 200 404 404 404 200 404 200"),
        new("GET", "/api/access-requests/{bobRequest}", null, "401 404 200 404 404 200 404 404 200"),
        new("POST", "/api/access-requests/{fresh}/withdraw", null, "401 404 200 404 404 404 404 404 404", w => w.FreshRequestOfBobAsync()),
        new("POST", "/api/access-requests/{fresh}/approve", "{}", "401 404 403 404 404 200 404 404 200", w => w.FreshRequestOfBobAsync()),
        new("POST", "/api/access-requests/{fresh}/deny", """{"reason":"not now"}""", "401 404 403 404 404 200 404 404 200", w => w.FreshRequestOfBobAsync()),

        new("POST", "/api/grants", DirectGrant, "401 403 403 404 404 201 403 404 201", w => w.FreshDatasetAsync()),
        new("GET", "/api/grants/mine", null, "401 200 200 200 200 200 200 200 200"),
        new("GET", "/api/grants/datasets/{patients}", null, "401 403 403 404 404 200 403 404 200"),
        new("GET", "/api/grants/datasets/{patients}/access", null, "401 403 403 404 404 200 403 404 200"),
        new("GET", "/api/grants/{bobGrant}", null, "401 404 200 404 404 200 404 404 200"),
        new("POST", "/api/grants/{fresh}/extend", """{"validUntil":"2027-01-15T00:00:00Z"}""", "401 403 403 404 404 200 403 404 200", w => w.FreshGrantAsync(toBob: false)),
        new("POST", "/api/grants/{fresh}/revoke", """{"reason":"study ended"}""", "401 403 403 404 404 200 403 404 200", w => w.FreshGrantAsync(toBob: false)),
        new("POST", "/api/grants/{fresh}/extension-requests", Extension, "401 404 201 404 404 404 404 404 404", w => w.FreshGrantAsync(toBob: true)),

        new("GET", "/api/datasets", null, "401 200 200 200 200 200 200 200 200"),
        new("GET", "/api/datasets/{patients}", null, "401 200 200 404 404 200 200 404 200"),
        new("GET", "/api/datasets/{otherDataset}", null, "401 404 404 200 200 404 404 404 404"),
        new("POST", "/api/datasets/{patients}/schema", null, "401 404 404 404 404 200 404 404 200"),
        new("GET", "/api/datasets/{patients}/suggestions", null, "401 404 404 404 404 200 404 404 200"),
        new("PUT", "/api/datasets/{fresh}/columns", """{"columns":{"sex":"QuasiIdentifier"}}""", "401 404 404 404 404 200 404 404 200", w => w.FreshDatasetAsync()),
        new("PUT", "/api/datasets/{fresh}/conditions", """{"termsOfUse":"Cite us."}""", "401 404 404 404 404 200 404 404 200", w => w.FreshDatasetAsync()),
        new("POST", "/api/datasets/{fresh}/stewards", """{"userId":"{bystander}"}""", "401 404 404 404 404 403 404 404 200", w => w.FreshDatasetAsync()),
        new("DELETE", "/api/datasets/{fresh}/stewards/{henry}", null, "401 404 404 404 404 403 404 404 204", w => w.FreshDatasetAsync()),
        new("POST", "/api/datasets/{fresh}/shares", """{"voId":"{vo}"}""", "401 404 404 404 404 403 404 404 200", w => w.FreshDatasetAsync(shared: false, DatasetStatus.Active)),
        new("DELETE", "/api/datasets/{fresh}/shares/{vo}", null, "401 404 404 404 404 403 204 404 204", w => w.FreshDatasetAsync()),
        new("POST", "/api/datasets/{fresh}/activate", null, "401 404 404 404 404 403 404 404 200", w => w.FreshDatasetAsync(shared: true, DatasetStatus.Draft)),
        new("POST", "/api/datasets/{fresh}/withdraw", """{"reason":"retired"}""", "401 404 404 404 404 403 404 404 200", w => w.FreshDatasetAsync()),
        new("GET", "/api/datasets/{patients}/preview?grantId={bobGrant}&rows=3", null, "401 404 404 404 404 200 404 404 200"),
        new("GET", "/api/vos/{vo}/catalogue", null, "401 200 200 403 403 403 200 403 200"),

        new("GET", "/api/datasets/{patients}/access/explain?purpose=DS:HIV", null, "401 200 200 200 200 200 200 200 200"),
        new("GET", "/api/datasets/{patients}/export?purpose=DS:HIV&ethics=UNI-IRB-2026-117&format=csv", null, "401 403 200 404 404 403 403 404 403"),
        new("GET", "/api/audit", null, "401 403 403 403 200 200 403 200 200"),
        new("GET", "/api/audit/export?format=csv", null, "401 403 403 403 200 200 403 200 200"),
        new("GET", "/api/audit/verify", null, "401 403 403 403 403 403 403 200 403"),

        new("POST", "/api/sites/enrollments", """{"name":"Site {unique}"}""", "401 201 201 201 201 201 201 201 201"),
        new("GET", "/api/sites/agents", null, "401 200 200 200 200 200 200 200 200"),
        new("POST", "/api/sites/agents/{fresh}/disable", null, "401 404 404 404 404 404 404 404 200", w => w.FreshAgentOfOwnerAsync(disabled: false)),
        new("POST", "/api/sites/agents/{fresh}/enable", null, "401 404 404 404 404 404 404 404 200", w => w.FreshAgentOfOwnerAsync(disabled: true)),

        new("POST", "/api/vos/{fresh}/leave", null, "401 204 204 204 204 204 204 204 204", w => w.FreshVoOfEveryoneAsync()),

        // Last: these make personas owners of something, or applicants to a VO, which would change the answers above.
        new("POST", "/api/vos/{otherVo}/join-requests", """{"message":"May I join?"}""", "401 201 201 409 409 201 201 201 201"),
        new("POST", "/api/datasets", RegisterPostgres, "401 201 201 201 201 201 201 201 201"),
        new("POST", "/api/datasets/upload", UploadCsv, "401 201 201 201 201 201 201 201 201"),
        // Nobody here has a site agent: an agent id is refused alike for everyone (someone else's would be too).
        new("POST", "/api/datasets/site", """{"name":"At the site","agentId":"0b7f2c1e-0000-4000-8000-00000000a9e0","siteDataset":"patients"}""", "401 400 400 400 400 400 400 400 400"),
    ];

    private static string Request(string dataset) =>
        $$"""{"datasetId":"{{dataset}}","voId":"{vo}","purpose":"DS:HIV","description":"Outcomes of care.","ethicsReference":"IRB-1","until":"2026-12-01T09:00:00Z","acceptTerms":true,"termsVersion":1}""";

    private const string RegisterPostgres =
        """{"name":"Patients {unique}","host":"127.0.0.1","port":{hospitalPort},"database":"{hospitalDb}","schema":"public","relation":"patients","username":"{hospitalUser}","password":"{hospitalPassword}"}""";

    /// <summary>Sent as multipart/form-data: a name field and a two-row CSV file.</summary>
    private const string UploadCsv = "multipart:Upload {unique}";

    private const string DirectGrant =
        """{"datasetId":"{fresh}","granteeKind":"person","userId":"{bystander}","purposes":["DS:HIV"],"validUntil":"2026-12-01T09:00:00Z"}""";

    private const string Extension = """{"until":"2026-12-15T09:00:00Z","description":"More time.","acceptTerms":true,"termsVersion":1}""";

    [Fact]
    public async Task Every_endpoint_answers_every_persona_exactly_as_the_table_says()
    {
        await world.ReadyAsync();
        var personas = Enum.GetValues<Persona>();
        var wrong = new StringBuilder();
        foreach (var call in Table)
        {
            var expected = call.Expect.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(expected.Length == personas.Length, $"{call}: {expected.Length} expectations for {personas.Length} personas");
            var observed = new List<string>();
            foreach (var persona in personas)
            {
                var fresh = call.Fresh is null ? "" : (await call.Fresh(world)).ToString();
                using var request = world.Request(call, fresh);
                using var response = await world.Client(persona).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                observed.Add(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }
            if (!observed.SequenceEqual(expected))
            {
                wrong.AppendLine(CultureInfo.InvariantCulture, $"{call}: expected {call.Expect}, got {string.Join(' ', observed)}");
            }
        }
        Assert.True(wrong.Length == 0, "\n" + wrong);
    }

    [Fact]
    public async Task The_table_has_a_row_for_every_api_operation_the_portal_publishes()
    {
        using var client = world.CreateBrowserClient();
        using var doc = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var published = doc.RootElement.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {Shape(p.Name)}"))
            .ToHashSet();
        var covered = Table.Select(e => $"{e.Method} {Shape(e.Path)}").ToHashSet();
        Assert.True(!published.Except(covered).Any(), "no row for: " + string.Join(", ", published.Except(covered).Order()));
        Assert.True(!covered.Except(published).Any(), "rows for unpublished operations: " + string.Join(", ", covered.Except(published).Order()));
    }

    /// <summary>"/api/vos/{id}/members/{userId}" and "/api/vos/{vo}/members/{fresh}?x=1" both become "/api/vos/{}/members/{}".</summary>
    private static string Shape(string path) =>
        System.Text.RegularExpressions.Regex.Replace(path.Split('?')[0], "{[^}]*}", "{}").TrimEnd('/');
}
