using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Infrastructure;
using static Portal.Tests.VirtualOrganizations.VoWorld;

namespace Portal.Tests.VirtualOrganizations;

/// <summary>
/// Every VO and notification endpoint × {anonymous, member, non-member, VO admin, admin of another VO}: exactly the
/// expected status, from one table. Each case runs in a fresh world, so no case depends on another's changes.
/// </summary>
public sealed class VoAuthorizationMatrixTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private sealed record Endpoint(HttpMethod Method, Func<VoWorld, string> Path, Func<VoWorld, object?>? Body = null);

    private static readonly Dictionary<string, Endpoint> Endpoints = new()
    {
        ["create VO"] = new(HttpMethod.Post, _ => "/api/vos", _ => new { name = $"Matrix {Guid.NewGuid():N}" }),
        ["list my VOs"] = new(HttpMethod.Get, _ => "/api/vos?page=1&pageSize=10"),
        ["list open VOs"] = new(HttpMethod.Get, _ => "/api/vos/open"),
        ["VO detail"] = new(HttpMethod.Get, w => $"/api/vos/{w.VoId}"),
        ["members"] = new(HttpMethod.Get, w => $"/api/vos/{w.VoId}/members"),
        ["leave"] = new(HttpMethod.Post, w => $"/api/vos/{w.VoId}/leave"),
        ["change role"] = new(HttpMethod.Put, w => $"/api/vos/{w.VoId}/members/{Features.Demo.DemoSeed.Bob}/role", _ => new { role = "admin" }),
        ["set expiry"] = new(HttpMethod.Put, w => $"/api/vos/{w.VoId}/members/{Features.Demo.DemoSeed.Bob}/expiry", _ => new { expiresAt = "2027-01-01T00:00:00Z" }),
        ["remove member"] = new(HttpMethod.Delete, w => $"/api/vos/{w.VoId}/members/{Features.Demo.DemoSeed.Bob}"),
        ["invite"] = new(HttpMethod.Post, w => $"/api/vos/{w.VoId}/invitations", _ => new { role = "member" }),
        ["list invitations"] = new(HttpMethod.Get, w => $"/api/vos/{w.VoId}/invitations"),
        ["revoke invitation"] = new(HttpMethod.Delete, w => $"/api/vos/{w.VoId}/invitations/{w.EmailInvitationId}"),
        ["accept invitation"] = new(HttpMethod.Post, _ => "/api/invitations/accept", w => new { token = w.LinkToken }),
        ["ask to join"] = new(HttpMethod.Post, w => $"/api/vos/{w.VoId}/join-requests", _ => new { message = "hello" }),
        ["list join requests"] = new(HttpMethod.Get, w => $"/api/vos/{w.VoId}/join-requests"),
        ["approve join request"] = new(HttpMethod.Post, w => $"/api/vos/{w.VoId}/join-requests/{w.ErinId}/approve"),
        ["reject join request"] = new(HttpMethod.Post, w => $"/api/vos/{w.VoId}/join-requests/{w.ErinId}/reject", _ => new { reason = "no" }),
        ["list notifications"] = new(HttpMethod.Get, _ => "/api/notifications"),
        ["mark notification read"] = new(HttpMethod.Post, w => $"/api/notifications/{w.BobNotificationId}/read"),
        ["mark all read"] = new(HttpMethod.Post, _ => "/api/notifications/read-all"),
    };

    // endpoint: anonymous, member (Bob), non-member (Carol), VO admin (Dave), admin of another VO (Alice)
    private static readonly (string Endpoint, int Anonymous, int Member, int NonMember, int Admin, int OtherAdmin)[] Table =
    [
        ("create VO", 401, 201, 201, 201, 201),
        ("list my VOs", 401, 200, 200, 200, 200),
        ("list open VOs", 401, 200, 200, 200, 200),
        ("VO detail", 401, 200, 200, 200, 200),          // the world's VO is open: discoverable
        ("members", 401, 200, 403, 200, 403),
        ("leave", 401, 204, 404, 409, 404),              // Dave is the last admin
        ("change role", 401, 403, 403, 200, 403),
        ("set expiry", 401, 403, 403, 200, 403),
        ("remove member", 401, 403, 403, 204, 403),
        ("invite", 401, 403, 403, 201, 403),
        ("list invitations", 401, 403, 403, 200, 403),
        ("revoke invitation", 401, 403, 403, 204, 403),
        ("accept invitation", 401, 409, 200, 409, 200),  // members are members already
        ("ask to join", 401, 409, 201, 409, 201),
        ("list join requests", 401, 403, 403, 200, 403),
        ("approve join request", 401, 403, 403, 200, 403),
        ("reject join request", 401, 403, 403, 200, 403),
        ("list notifications", 401, 200, 200, 200, 200),
        ("mark notification read", 401, 204, 404, 404, 404), // Bob's notification: nobody else's business
        ("mark all read", 401, 200, 200, 200, 200),
    ];

    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var row in Table)
        {
            data.Add(row.Endpoint, Anonymous, row.Anonymous);
            data.Add(row.Endpoint, Member, row.Member);
            data.Add(row.Endpoint, NonMember, row.NonMember);
            data.Add(row.Endpoint, Admin, row.Admin);
            data.Add(row.Endpoint, OtherAdmin, row.OtherAdmin);
        }
        return data;
    }

    [Fact]
    public void The_table_covers_every_endpoint_once() =>
        Assert.Equal(Endpoints.Keys.Order(), Table.Select(r => r.Endpoint).Order());

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_role_gets_exactly_the_expected_status(string endpoint, string role, int expected)
    {
        var world = await VoWorld.CreateAsync(portal);
        using var client = portal.CreateBrowserClient();
        if (UserFor(role) is { } user)
        {
            await DemoSession.SignInAsync(client, user);
        }
        var e = Endpoints[endpoint];
        using var request = new HttpRequestMessage(e.Method, new Uri(e.Path(world), UriKind.Relative));
        if (e.Body?.Invoke(world) is { } body)
        {
            request.Content = JsonContent.Create(body);
        }
        using var response = await client.SendAsync(request);
        Assert.True((HttpStatusCode)expected == response.StatusCode,
            $"{endpoint} as {role}: expected {expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
