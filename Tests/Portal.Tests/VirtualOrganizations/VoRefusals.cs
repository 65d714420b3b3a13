using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations;

/// <summary>
/// A refused VO request: a problem with the status, the field and the code, and nothing changed in the database
/// (rows, audit, notifications).
/// </summary>
internal static class VoRefusals
{
    public static async Task<HttpClient> SignedInAsync(PortalFactory portal, Guid user)
    {
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    public static async Task AssertRefusedAsync(PortalFactory portal, Func<Task<HttpResponseMessage>> send,
        HttpStatusCode status, string? field, string code)
    {
        var before = await VoWorld.SnapshotAsync(portal);
        using var response = await send();
        await ApiProblem.AssertAsync(response, status, field, code);
        Assert.Equal(before, await VoWorld.SnapshotAsync(portal));
    }
}
