using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Foundation;

public sealed class DemoSeedTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Seeds_once_and_a_second_run_changes_nothing()
    {
        Assert.True(await SeedAsync());
        var before = await CountsAsync();
        Assert.Equal((2, 4, 1, 4, 2, 1, 1), before);

        Assert.False(await SeedAsync());
        Assert.Equal(before, await CountsAsync());
    }

    private async Task<bool> SeedAsync()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DemoSeed>().RunAsync(CancellationToken.None);
    }

    private async Task<(int, int, int, int, int, int, int)> CountsAsync()
    {
        await using var db = portal.CreateDb();
        return (await db.Institutions.CountAsync(), await db.Users.CountAsync(), await db.VirtualOrganizations.CountAsync(),
            await db.Memberships.CountAsync(), await db.Datasets.CountAsync(), await db.Grants.CountAsync(),
            await db.AccessRequests.CountAsync());
    }
}
