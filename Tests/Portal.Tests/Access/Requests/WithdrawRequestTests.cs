using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access.Requests;

/// <summary>The requester sees, withdraws and asks again; the form says what the dataset asks for.</summary>
public sealed class WithdrawRequestTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    [Fact]
    public async Task The_requester_sees_and_withdraws_a_pending_request_once()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var form = await bob.GetFromJsonAsync<JsonElement>($"/api/access-requests/form/{dataset}");
        Assert.Equal(2, form.GetProperty("termsVersion").GetInt32());
        Assert.True(form.GetProperty("requiresEthics").GetBoolean());
        var requestId = (await AccessWorld.CreatedRequestAsync(bob, AccessWorld.Request(dataset, Now))).GetProperty("id").GetGuid();
        var mine = await bob.GetFromJsonAsync<JsonElement>("/api/access-requests?pageSize=100");
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == requestId);

        using var alice = await AccessWorld.AsAsync(portal, DemoSeed.Alice);
        using var notHers = await alice.PostAsync(new Uri($"/api/access-requests/{requestId}/withdraw", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, notHers.StatusCode);

        using var withdrawn = await bob.PostAsync(new Uri($"/api/access-requests/{requestId}/withdraw", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal("Withdrawn", (await withdrawn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        using var twice = await bob.PostAsync(new Uri($"/api/access-requests/{requestId}/withdraw", UriKind.Relative), null);
        await AccessProblem.AssertAsync(twice, HttpStatusCode.Conflict, "access.request.not_pending", "status");
        using var approveWithdrawn = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        await AccessProblem.AssertAsync(approveWithdrawn, HttpStatusCode.Conflict, "access.request.not_pending", "status");
        Assert.Contains("access_request.withdrawn", await AccessWorld.AuditTypesAsync(portal, dataset));

        // Withdrawn, it no longer blocks a new request; pending ones come first in the owner's inbox.
        var second = (await AccessWorld.CreatedRequestAsync(bob, AccessWorld.Request(dataset, Now))).GetProperty("id").GetGuid();
        var inbox = await alice.GetFromJsonAsync<JsonElement>($"/api/access-requests/inbox?datasetId={dataset}");
        Assert.Equal([second, requestId], inbox.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
    }
}
