using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Drills;

/// <summary>
/// A demo person signing in as a browser does, with every portal request pinned to one instance by nginx's sticky
/// cookie: the portal's sign-in page, /saml/login, the SimpleSAMLphp login form, its auto-posting answer to /saml/acs.
/// </summary>
internal sealed class DemoSignIn : IDisposable
{
    private DemoSignIn(Uri front, CookieContainer cookies, HttpClient client)
    {
        Front = front;
        Cookies = cookies;
        Client = client;
    }

    public Uri Front { get; }
    public CookieContainer Cookies { get; }

    /// <summary>Keeps the session's cookies; follows no redirects.</summary>
    public HttpClient Client { get; }

    /// <summary>Each portal request of the sign-in as "path@instance", as nginx reported it.</summary>
    public List<string> ServedBy { get; } = [];

    public TimeSpan Took { get; private set; }

    /// <summary>Sends the session's later requests to another instance.</summary>
    public void PinTo(string nodeCookie) => Cookies.Add(new Cookie("portal_node", nodeCookie, "/", Front.Host));

    public static async Task<DemoSignIn> RunAsync(Uri front, string nodeCookie, string login, string institution, CancellationToken ct)
    {
        var cookies = new CookieContainer();
        var session = new DemoSignIn(front, cookies,
            new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = front });
        session.PinTo(nodeCookie);
        try
        {
            await session.SignInAsync(login, institution, ct);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private async Task SignInAsync(string login, string institution, CancellationToken ct)
    {
        var signInPage = await Client.GetStringAsync(new Uri("signin", UriKind.Relative), ct);
        var link = Regex.Match(signInPage, $"href=\"(?<h>[^\"]*idp%2F{institution}[^\"]*)\"", RegexOptions.None, TimeSpan.FromSeconds(1));
        if (!link.Success)
        {
            throw new DrillException($"the sign-in page has no link for institution '{institution}'");
        }
        var started = DateTime.UtcNow;
        var url = new Uri(Front, WebUtility.HtmlDecode(link.Groups["h"].Value));
        var response = await Client.GetAsync(url, ct);
        try
        {
            for (var step = 0; step < 20; step++)
            {
                if (url.Authority == Front.Authority && Web.Upstream(response) is { } up)
                {
                    ServedBy.Add($"{url.AbsolutePath}@{up}");
                }
                if (url.Authority == Front.Authority && url.AbsolutePath == "/saml/acs")
                {
                    break;
                }
                var html = await response.Content.ReadAsStringAsync(ct);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    url = new Uri(url, location);
                    response.Dispose();
                    response = await Client.GetAsync(url, ct);
                    continue;
                }
                var form = Web.FindForm(html, url, "SAMLResponse") ?? Web.FindForm(html, url, "password")
                    ?? throw new DrillException($"stuck at {url} ({(int)response.StatusCode}): no redirect and no form");
                if (form.Fields.ContainsKey("password"))
                {
                    form.Fields["username"] = login;
                    form.Fields["password"] = $"{login}-demo";
                }
                url = form.Action;
                response.Dispose();
                using var content = new FormUrlEncodedContent(form.Fields);
                response = await Client.PostAsync(url, content, ct);
            }
            Took = DateTime.UtcNow - started;
            var where = response.Headers.Location?.OriginalString ?? "";
            if (response.StatusCode != HttpStatusCode.Redirect || where.Contains("/signin/failed", StringComparison.Ordinal))
            {
                throw new DrillException($"the ACS answered {(int)response.StatusCode} {where}");
            }
        }
        finally
        {
            response.Dispose();
        }
    }

    public void Dispose() => Client.Dispose();
}
