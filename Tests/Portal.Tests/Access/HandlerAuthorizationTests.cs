using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Access;
using Portal.Features.Access.Decisions;
using Portal.Features.Access.Grants;
using Portal.Features.Access.Requests;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;
using Portal.Tests.VirtualOrganizations;

namespace Portal.Tests.Access;

/// <summary>
/// The handlers decide on their own, without HTTP: a page that showed an owner's button to the wrong person, or a
/// forged principal, still gets refused with the refusal's code, and nothing changes.
/// </summary>
public sealed class HandlerAuthorizationTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Owner_actions_called_directly_refuse_researchers_outsiders_and_nobody()
    {
        var services = portal.Services.GetRequiredService<AccessServices>();
        var dataset = await AccessWorld.DatasetAsync(portal);
        var grantId = await AccessWorld.BobGrantAsync(portal, dataset, TimeSpan.FromDays(10));
        var now = portal.Clock.GetUtcNow();
        var request = await SubmitRequest.HandleAsync(services, VoWorld.CallerFor(DemoSeed.Bob), new SubmitRequest.Input(
            dataset, null, "DS:HIV", false, "Outcomes", "IRB-7", now, now.AddDays(30), null, true, 2), Ct);
        Assert.True(request.Succeeded, request.Failure?.Message);
        var requestId = request.Value!.Id;

        var actions = new (string Name, Func<Caller, Task<Failure?>> Run)[]
        {
            ("revoke", async c => (await RevokeGrant.HandleAsync(services, c, grantId, new RevokeGrant.Input("because"), Ct)).Failure),
            ("extend", async c => (await ExtendGrant.HandleAsync(services, c, grantId, new ExtendGrant.Input(now.AddDays(20)), Ct)).Failure),
            ("direct grant", async c => (await CreateGrant.HandleAsync(services, c, new CreateGrant.Input(dataset, "person", DemoSeed.Dave, null, null, null,
                ["DS:HIV"], false, null, null, now.AddDays(5)), Ct)).Failure),
            ("dataset grants", async c => (await ListDatasetGrants.HandleAsync(services, c, dataset, Ct)).Failure),
            ("who has access", async c => (await WhoHasAccess.HandleAsync(services, c, dataset, Ct)).Failure),
            ("approve", async c => (await ApproveRequest.HandleAsync(services, c, requestId, new ApproveRequest.Input(null, null, null, null), Ct)).Failure),
            ("deny", async c => (await DenyRequest.HandleAsync(services, c, requestId, new DenyRequest.Input("no"), Ct)).Failure),
        };
        // The grantee and requester may see the dataset, so hears "not yours" (403); Dave sees neither dataset nor
        // request in any catalogue (404 or 403 depending on the action); nobody signed in hears 401.
        var callers = new (string Who, Caller Caller, string[] Expected)[]
        {
            ("the grantee and requester", VoWorld.CallerFor(DemoSeed.Bob), ["access.dataset.not_manager", "access.decision.not_manager"]),
            ("an unrelated VO admin", VoWorld.CallerFor(DemoSeed.Dave),
                ["access.dataset.not_manager", "access.dataset.not_found", "access.grant.not_found", "access.request.not_found"]),
            ("anonymous principal", VoWorld.CallerFor(null), ["auth.sign_in_required"]),
            ("forged principal of no user", VoWorld.CallerFor(Guid.NewGuid()), ["auth.sign_in_required"]),
        };
        var before = await AccessWorld.SnapshotAsync(portal);
        foreach (var (action, run) in actions)
        {
            foreach (var (who, caller, expected) in callers)
            {
                var failure = await run(caller);
                Assert.True(failure is not null && expected.Contains(failure.Code), $"{action} by {who}: {failure?.Code ?? "succeeded"}");
            }
        }
        Assert.Equal(before, await AccessWorld.SnapshotAsync(portal));

        // The owner, called the same way, may.
        Assert.True((await RevokeGrant.HandleAsync(services, VoWorld.CallerFor(DemoSeed.Alice), grantId, new RevokeGrant.Input("test"), Ct)).Succeeded);
    }
}
