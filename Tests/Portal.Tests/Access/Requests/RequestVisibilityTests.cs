using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access.Requests;

/// <summary>A dataset that none of the researcher's VOs lists cannot be asked for, and does not show it exists.</summary>
public sealed class RequestVisibilityTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    [Fact]
    public async Task A_researcher_whose_vos_do_not_list_the_dataset_cannot_ask_for_it()
    {
        var voId = Guid.NewGuid();
        await using (var db = portal.CreateDb())
        {
            db.VirtualOrganizations.Add(new VirtualOrganization
            {
                Id = voId,
                Name = $"Hospital only {voId:N}",
                CreatedById = DemoSeed.Alice,
                CreatedAt = Now,
            });
            await db.SaveChangesAsync();
        }
        var dataset = await AccessWorld.DatasetAsync(portal, sharedInto: voId);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var before = await AccessWorld.SnapshotAsync(portal);
        using var response = await bob.PostAsJsonAsync("/api/access-requests", AccessWorld.Request(dataset, Now));
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        using var form = await bob.GetAsync(new Uri($"/api/access-requests/form/{dataset}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, form.StatusCode);
        Assert.Equal(before, await AccessWorld.SnapshotAsync(portal));
    }
}
