using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Drills;

/// <summary>
/// Personal API tokens made the way a person makes them: POST /api/tokens in a signed-in session. Used by drill A and
/// by `Drills token` (deploy/bench/api.sh), which signs in at the demo IdP straight against one portal, no nginx.
/// </summary>
internal static class ApiTokens
{
    public static async Task<string> CreateAsync(HttpClient session, string name, IReadOnlyList<string> scopes, CancellationToken ct)
    {
        using var created = await session.PostAsJsonAsync(new Uri("api/tokens", UriKind.Relative),
            new { name, scopes, expiresInDays = 1 }, ct);
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new DrillException($"POST /api/tokens answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync(ct)}");
        }
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.GetProperty("value").GetString() ?? throw new DrillException("POST /api/tokens returned no value");
    }

    /// <summary>
    /// `token --portal URL --user bob --institution university --scopes a,b --name N --token-out FILE`: signs in and
    /// writes one new token (mode 600) to FILE.
    /// </summary>
    public static async Task<int> RunAsync(Options o)
    {
        var portal = o.Url("portal");
        var scopes = o.Required("scopes").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // No nginx in front: the sticky cookie is sent but nobody reads it.
        using var session = await DemoSignIn.RunAsync(portal, "direct", o.Required("user"), o.Required("institution"), cts.Token);
        var value = await CreateAsync(session.Client, o.Required("name"), scopes, cts.Token);
        var file = o.Required("token-out");
        await File.WriteAllTextAsync(file, value, cts.Token);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Console.WriteLine($"signed in as {o.Required("user")} in {session.Took.TotalMilliseconds:F0} ms; token with {string.Join(", ", scopes)} written");
        return 0;
    }
}
