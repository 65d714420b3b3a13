using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Drills;

/// <summary>
/// Drill A: a person signs in at the demo SimpleSAMLphp IdP with every portal request pinned to instance A (through
/// nginx, by its sticky cookie); the session cookie then works on instance B, directly and through nginx. The session
/// also makes (on B) the API token the later drills use.
/// </summary>
internal static class SignInDrill
{
    private static readonly string[] DrillScopes = ["catalogue:read", "data:export"];

    public static async Task<int> RunAsync(Options o)
    {
        var front = o.Url("front");
        var a = o.Url("a");
        var b = o.Url("b");
        var login = o.Required("user");
        var institution = o.Required("institution");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = cts.Token;

        var nodeA = await Web.NodeCookieForAsync(front, a, ct);
        var nodeB = await Web.NodeCookieForAsync(front, b, ct);
        using var session = await DemoSignIn.RunAsync(front, nodeA, login, institution, ct);
        var served = session.ServedBy;
        var signInMs = session.Took.TotalMilliseconds;
        Console.WriteLine($"signed in as {login} in {signInMs:F0} ms; portal requests served by: {string.Join(", ", served)}");
        var acsOnA = served.LastOrDefault()?.EndsWith($"{a.Host}:{a.Port}", StringComparison.Ordinal) == true;

        // The same cookies, sent to B directly (another port, another process) and through nginx pinned to B.
        var cookieHeader = session.Cookies.GetCookieHeader(front);
        var meOnB = await MeAsync(b, cookieHeader, ct);
        var meViaFrontOnB = await MeAsync(front, cookieHeader.Replace($"portal_node={nodeA}", $"portal_node={nodeB}", StringComparison.Ordinal), ct);
        Console.WriteLine($"GET /api/me on B directly: {meOnB.Status} {meOnB.Name}; through nginx pinned to B: {meViaFrontOnB.Status} {meViaFrontOnB.Name} (served by {meViaFrontOnB.Upstream})");

        // The token for the later drills, made by the session on B.
        session.PinTo(nodeB);
        await File.WriteAllTextAsync(o.Required("token-out"), await ApiTokens.CreateAsync(session.Client, "failure drill", DrillScopes, ct), ct);

        var pass = acsOnA && meOnB.Status == 200 && meViaFrontOnB.Status == 200 && meViaFrontOnB.Upstream == $"{b.Host}:{b.Port}";
        Row.Print("A", pass, $"B: {meOnB.Status}, nginx→B: {meViaFrontOnB.Status}",
            $"sign-in at the demo IdP with the ACS on A ({(acsOnA ? "yes" : "NO")}), {signInMs:F0} ms; the session cookie works on B");
        return pass ? 0 : 1;
    }

    private sealed record Me(int Status, string? Name, string? Upstream);

    private static async Task<Me> MeAsync(Uri baseUrl, string cookieHeader, CancellationToken ct)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.Add("Cookie", cookieHeader);
        using var response = await client.SendAsync(request, ct);
        string? name = null;
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var me = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            name = me.TryGetProperty("displayName", out var n) ? n.GetString() : null;
        }
        return new Me((int)response.StatusCode, name, Web.Upstream(response));
    }
}
