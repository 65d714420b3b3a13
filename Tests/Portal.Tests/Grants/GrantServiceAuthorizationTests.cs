using Microsoft.Extensions.DependencyInjection;
using Portal.Features.AccessRequests;
using Portal.Features.Demo;
using Portal.Features.Grants;
using Portal.Features.SignIn;
using Portal.Tests.Infrastructure;
using Portal.Tests.VirtualOrganizations;

namespace Portal.Tests.Grants;

/// <summary>
/// The services decide on their own, without HTTP: a page that showed an owner's button to the wrong person, or a
/// forged principal, still gets refused, and nothing changes.
/// </summary>
public sealed class GrantServiceAuthorizationTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Owner_actions_called_directly_refuse_researchers_outsiders_and_nobody()
    {
        var grants = portal.Services.GetRequiredService<GrantService>();
        var requests = portal.Services.GetRequiredService<AccessRequestService>();
        var dataset = await GrantWorld.DatasetAsync(portal);
        var grantId = await GrantWorld.BobGrantAsync(portal, dataset, TimeSpan.FromDays(10));
        var now = portal.Clock.GetUtcNow();
        var request = await requests.CreateAsync(VoWorld.CallerFor(DemoSeed.Bob), new CreateAccessRequestInput(
            dataset, null, "DS:HIV", false, "Outcomes", "IRB-7", now, now.AddDays(30), null, true, 2), Ct);
        Assert.True(request.Succeeded, request.Failure?.Message);
        var requestId = request.Value!.Id;

        var actions = new (string Name, Func<Caller, Task<Failure?>> Run)[]
        {
            ("revoke", async c => (await grants.RevokeAsync(c, grantId, new RevokeGrantInput("because"), Ct)).Failure),
            ("extend", async c => (await grants.ExtendAsync(c, grantId, new ExtendGrantInput(now.AddDays(20)), Ct)).Failure),
            ("direct grant", async c => (await grants.CreateAsync(c, new DirectGrantInput(dataset, "person", DemoSeed.Dave, null, null, null,
                ["DS:HIV"], false, null, null, now.AddDays(5)), Ct)).Failure),
            ("dataset grants", async c => (await grants.ForDatasetAsync(c, dataset, Ct)).Failure),
            ("who has access", async c => (await grants.WhoHasAccessAsync(c, dataset, Ct)).Failure),
            ("approve", async c => (await requests.ApproveAsync(c, requestId, new ApproveInput(null, null, null, null), Ct)).Failure),
            ("deny", async c => (await requests.DenyAsync(c, requestId, new DenyInput("no"), Ct)).Failure),
        };
        var callers = new (string Who, Caller Caller, FailureKind[] Expected)[]
        {
            ("the grantee and requester", VoWorld.CallerFor(DemoSeed.Bob), [FailureKind.Forbidden]),
            ("an unrelated VO admin", VoWorld.CallerFor(DemoSeed.Dave), [FailureKind.Forbidden, FailureKind.NotFound]),
            ("anonymous principal", VoWorld.CallerFor(null), [FailureKind.Unauthorized]),
            ("forged principal of no user", VoWorld.CallerFor(Guid.NewGuid()), [FailureKind.Unauthorized]),
        };
        var before = await GrantWorld.SnapshotAsync(portal);
        foreach (var (action, run) in actions)
        {
            foreach (var (who, caller, expected) in callers)
            {
                var failure = await run(caller);
                Assert.True(failure is not null && expected.Contains(failure.Kind), $"{action} by {who}: {failure?.Kind.ToString() ?? "succeeded"}");
            }
        }
        Assert.Equal(before, await GrantWorld.SnapshotAsync(portal));

        // The owner, called the same way, may.
        Assert.True((await grants.RevokeAsync(VoWorld.CallerFor(DemoSeed.Alice), grantId, new RevokeGrantInput("test"), Ct)).Succeeded);
    }
}
