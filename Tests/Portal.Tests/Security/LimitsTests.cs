using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Portal.Features.Demo;
using Portal.Features.Exports.Download;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>One API budget per person across session and tokens; capped tokens, exports and sign-in starts.</summary>
public sealed class LimitsTests(LimitedPortalFactory portal) : IClassFixture<LimitedPortalFactory>
{
    private static readonly string[] CatalogueOnly = ["catalogue:read"];

    [Fact]
    public async Task Session_and_tokens_share_one_budget_and_tokens_are_capped()
    {
        using var carol = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(carol, DemoSeed.Carol);
        var statuses = new List<HttpStatusCode>();
        var values = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var created = await carol.PostAsJsonAsync(new Uri("/api/tokens", UriKind.Relative), new { name = $"t{i}", scopes = CatalogueOnly, expiresInDays = 1 });
            statuses.Add(created.StatusCode);
            values.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString()!);
        }
        foreach (var value in values)
        {
            using var script = portal.CreateClient();
            script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
            for (var i = 0; i < 4; i++)
            {
                using var me = await script.GetAsync(new Uri("/api/me", UriKind.Relative));
                statuses.Add(me.StatusCode);
            }
        }
        // 2 + 8 calls against a budget of 8 a minute for the person: the last two are refused, whatever the credential.
        Assert.Equal(LimitedPortalFactory.ApiPermits, statuses.Count(s => s != HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

}

/// <summary>Anonymous sign-in starts: pending rows capped, starts per address throttled (its own portal: it uses them up).</summary>
public sealed class SignInStartLimitsTests(LimitedPortalFactory portal) : IClassFixture<LimitedPortalFactory>
{
    [Fact]
    public async Task Pending_sign_ins_are_capped_and_starts_are_throttled_per_address()
    {
        using var anonymous = portal.CreateBrowserClient();
        var codes = new List<(HttpStatusCode Status, string? Code)>();
        for (var i = 0; i < LimitedPortalFactory.SignInStarts + 1; i++)
        {
            using var start = await anonymous.GetAsync(new Uri($"/saml/login?idp={Uri.EscapeDataString(TestFederation.Hospital.EntityId)}", UriKind.Relative));
            codes.Add((start.StatusCode, start.StatusCode == HttpStatusCode.TooManyRequests ? await ProblemCode.OfAsync(start) : null));
        }
        Assert.All(codes.Take(LimitedPortalFactory.MaxPending), c => Assert.Equal(HttpStatusCode.Redirect, c.Status));
        Assert.Equal((HttpStatusCode.TooManyRequests, "signin.too_many_pending"), codes[LimitedPortalFactory.MaxPending]);
        Assert.Equal((HttpStatusCode.TooManyRequests, "request.rate_limited"), codes[^1]);
    }
}

/// <summary>Caps that need no portal around them.</summary>
public sealed class CapsTests
{
    [Fact]
    public void Concurrent_exports_are_capped_per_person_and_per_dataset()
    {
        var slots = new ExportSlots(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Exports:MaxConcurrentPerPerson"] = "2",
            ["Exports:MaxConcurrentPerDataset"] = "3",
        }).Build());
        Guid alice = Guid.NewGuid(), bob = Guid.NewGuid(), carol = Guid.NewGuid(), data = Guid.NewGuid(), other = Guid.NewGuid();
        using var a1 = slots.TryTake(alice, data);
        using var a2 = slots.TryTake(alice, other);
        Assert.NotNull(a1);
        Assert.NotNull(a2);
        Assert.Null(slots.TryTake(alice, Guid.NewGuid()));
        using var b1 = slots.TryTake(bob, data);
        using var c1 = slots.TryTake(carol, data);
        Assert.NotNull(b1);
        Assert.NotNull(c1);
        Assert.Null(slots.TryTake(carol, data));
        a1!.Dispose();
        using var again = slots.TryTake(carol, data);
        Assert.NotNull(again);
    }
}
