using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Tests.Infrastructure;

/// <summary>Signs a test client in the way a browser would: fetch the sign-in page, post its form with the antiforgery token.</summary>
public static partial class DemoSession
{
    public static async Task SignInAsync(HttpClient client, Guid userId, string returnUrl = "/")
    {
        var page = await client.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "the sign-in page carries an antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["userId"] = userId.ToString(),
            ["returnUrl"] = returnUrl,
        });
        using var response = await client.PostAsync(new Uri("/signin/demo", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    public static string AntiforgeryToken(string page)
    {
        var m = AntiforgeryField().Match(page);
        Assert.True(m.Success, "the page carries an antiforgery token");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
