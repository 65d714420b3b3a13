using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;
using System.Xml;
using Portal.Features.Demo;
using Portal.Features.SignIn.Saml;
using Portal.Tests.SignIn.Saml;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Signs a test client in the way a browser does: /saml/login, then the (test) IdP's signed response posted to
/// /saml/acs. Every test that needs a user therefore also exercises the SAML service provider.
/// </summary>
public static partial class DemoSession
{
    /// <summary>Someone a test IdP vouches for; the portal creates their user row on first sign-in.</summary>
    public sealed record Person(TestIdp Idp, string Login, string DisplayName, string[] Affiliations);

    private static readonly Dictionary<Guid, Person> People = new()
    {
        [DemoSeed.Alice] = new(TestFederation.Hospital, "alice", "Alice Owner", ["staff", "member"]),
        [DemoSeed.Carol] = new(TestFederation.Hospital, "carol", "Carol Steward", ["staff", "member"]),
        [DemoSeed.Bob] = new(TestFederation.University, "bob", "Bob Researcher", ["faculty", "member"]),
        [DemoSeed.Dave] = new(TestFederation.University, "dave", "Dave Admin", ["staff", "member"]),
    };

    public static Task SignInAsync(HttpClient client, Guid userId, string returnUrl = "/") =>
        SignInAsync(client, People[userId], returnUrl);

    public static async Task SignInAsync(HttpClient client, Person person, string returnUrl = "/")
    {
        using var response = await PostResponseAsync(client, person, returnUrl, _ => { });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("/signin/failed", response.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
    }

    /// <summary>Starts a sign-in, lets the test change the IdP's response, posts it, and returns the ACS answer.</summary>
    public static Task<HttpResponseMessage> PostResponseAsync(HttpClient client, Guid userId, string returnUrl, Action<ResponseScenario> change) =>
        PostResponseAsync(client, People[userId], returnUrl, change);

    public static async Task<HttpResponseMessage> PostResponseAsync(HttpClient client, Person person, string returnUrl, Action<ResponseScenario> change)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(person);
        var (requestId, relayState, issuedAt) = await StartAsync(client, person.Idp.EntityId, returnUrl);
        var baseUrl = client.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var scope = person.Idp.Scope;
        var scenario = ResponseScenario.Answering(baseUrl, person.Idp.EntityId, person.Idp.SigningKey, requestId, relayState, issuedAt);
        scenario.Attributes.Clear();
        scenario.Attributes.AddRange(
        [
            (AttributeMapper.SubjectId, [DemoSeed.SubjectId(person.Login, scope)]),
            (AttributeMapper.EduPersonPrincipalName, [$"{person.Login}@{scope}"]),
            (AttributeMapper.DisplayName, [person.DisplayName]),
            (AttributeMapper.Mail, [$"{person.Login}@{scope}"]),
            (AttributeMapper.SchacHomeOrganization, [scope]),
            (AttributeMapper.EduPersonScopedAffiliation, [.. person.Affiliations.Select(a => $"{a}@{scope}")]),
        ]);
        change(scenario);
        return await PostAsync(client, scenario.Build(), scenario.RelayState);
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string samlResponse, string? relayState)
    {
        ArgumentNullException.ThrowIfNull(client);
        var fields = new Dictionary<string, string> { ["SAMLResponse"] = samlResponse };
        if (relayState is not null)
        {
            fields["RelayState"] = relayState;
        }
        using var form = new FormUrlEncodedContent(fields);
        return await client.PostAsync(new Uri("/saml/acs", UriKind.Relative), form);
    }

    /// <summary>GET /saml/login: the AuthnRequest's ID, the RelayState and the server's clock, read off the redirect.</summary>
    public static async Task<(string RequestId, string RelayState, DateTimeOffset IssuedAt)> StartAsync(HttpClient client, string idp, string returnUrl = "/")
    {
        ArgumentNullException.ThrowIfNull(client);
        using var login = await client.GetAsync(new Uri($"/saml/login?idp={Uri.EscapeDataString(idp)}&returnUrl={Uri.EscapeDataString(returnUrl)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var query = HttpUtility.ParseQueryString(login.Headers.Location!.Query);
        var deflated = Convert.FromBase64String(query["SAMLRequest"]!);
        using var inflater = new DeflateStream(new MemoryStream(deflated), CompressionMode.Decompress);
        using var reader = new StreamReader(inflater, Encoding.UTF8);
        var xml = new XmlDocument();
        xml.LoadXml(await reader.ReadToEndAsync());
        var root = xml.DocumentElement!;
        return (root.GetAttribute("ID"), query["RelayState"]!, DateTimeOffset.Parse(root.GetAttribute("IssueInstant"), System.Globalization.CultureInfo.InvariantCulture));
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
