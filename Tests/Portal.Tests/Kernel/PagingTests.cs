using System.Net;
using System.Text.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Kernel;

/// <summary>Paging arguments are checked once, in the kernel, for every list: no page number overflows the offset.</summary>
public sealed class PagingTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    public static TheoryData<string> Lists => new()
    {
        "/api/vos", "/api/datasets", "/api/notifications", "/api/access-requests", "/api/audit",
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task The_largest_page_number_is_refused_with_a_code_not_a_server_error(string list)
    {
        using var carol = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(carol, DemoSeed.Carol); // a platform auditor: /api/audit answers her too
        using var response = await carol.GetAsync(new Uri($"{list}?page=2147483647&pageSize=100", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("request.page.out_of_range", body.RootElement.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(1_000_000, 100, true)]
    [InlineData(0, 10, false)]
    [InlineData(1_000_001, 10, false)]
    [InlineData(1, 0, false)]
    [InlineData(1, 101, false)]
    public void Bounds(int page, int pageSize, bool accepted)
    {
        var paging = Paging.From(page, pageSize);
        Assert.Equal(accepted, paging.Succeeded);
        if (accepted)
        {
            Assert.Equal((long)(page - 1) * pageSize, paging.Value.Skip);
        }
        else
        {
            Assert.StartsWith("request.page", paging.Failure!.Code, StringComparison.Ordinal);
        }
    }
}
