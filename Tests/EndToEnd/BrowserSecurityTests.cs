using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;
using Npgsql;

namespace Portal.EndToEnd;

/// <summary>
/// A page of another origin on the same site (localhost, another port: SameSite=Lax still sends the session cookie)
/// posts forms to the portal in the signed-in person's browser: the portal refuses, and nothing changes. The page's
/// own refusals reach the audit trail with the browser's address, and the portal runs under its CSP.
/// </summary>
public sealed class BrowserSecurityTests(PortalProcess portal, Browser browser) : IClassFixture<PortalProcess>, IClassFixture<Browser>
{
    // DemoSeed.BobAdmissionsRequest: Bob's pending request for the admissions dataset.
    private const string BobsRequest = "0b7f2c1e-0000-4000-8000-000000000401";

    private async Task<IPage> SignedInBobAsync()
    {
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseUrl.ToString() });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await IdpLogin.SignInAsync(page, "university", "bob");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Bob Researcher");
        return page;
    }

    [Fact]
    public async Task A_form_posted_from_another_origin_of_the_same_site_changes_nothing()
    {
        var page = await SignedInBobAsync();
        Assert.Equal("Pending", await RequestStatusAsync());
        var portalOrigin = portal.BaseUrl.ToString().TrimEnd('/');

        foreach (var action in new[] { $"/api/access-requests/{BobsRequest}/withdraw", "/api/notifications/read-all" })
        {
            var html = $"""
                <!DOCTYPE html><html><body>
                <form id="f" method="post" action="{portalOrigin}{action}"></form>
                <script>document.getElementById('f').submit();</script>
                </body></html>
                """;
            using var attacker = AttackerSite.Serve(html);
            var answer = page.WaitForResponseAsync(r => r.Url.EndsWith(action, StringComparison.Ordinal));
            await page.GotoAsync(attacker.Url.ToString());
            var response = await answer;
            Assert.Equal(403, response.Status);
            Assert.Contains("request.cross_origin", await response.TextAsync(), StringComparison.Ordinal);
        }
        Assert.Equal("Pending", await RequestStatusAsync());
    }

    [Fact]
    public async Task A_refusal_shown_by_a_page_is_audited_with_the_browser_address()
    {
        var page = await SignedInBobAsync();
        await page.GotoAsync("/audit");
        await Assertions.Expect(page.GetByText("audit.read.not_allowed")).ToBeVisibleAsync();

        // Written when the (test-short) window closes.
        List<(string? Ip, int Count)> events = [];
        for (var i = 0; i < 60 && events.Count == 0; i++)
        {
            await Task.Delay(500);
            events = await RefusalsAsync("audit.read.not_allowed", "page /audit");
        }
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.Ip), "the page's refusal carries the browser's address"));
    }

    [Fact]
    public async Task Interactive_pages_run_under_the_csp_without_a_violation()
    {
        var violations = new List<string>();
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseUrl.ToString() });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(m.Text);
            }
        };
        await page.GotoAsync("/signin");
        await IdpLogin.SignInAsync(page, "university", "bob");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Bob Researcher");

        // An interactive page: blazor.web.js and MudBlazor's script load and the circuit comes up under script-src 'self'.
        var csp = (await page.GotoAsync("/vos"))!.Headers["content-security-policy"];
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        await page.Locator("#portal-interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.GetByRole(AriaRole.Link, new() { Name = "Catalogue & my access" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("my-grants")).ToContainTextAsync("HIV clinic patients");
        Assert.Empty(violations);
    }

    private async Task<string> RequestStatusAsync()
    {
        await using var db = new NpgsqlConnection(portal.DatabaseConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT status FROM access_requests WHERE id = @id", db);
        cmd.Parameters.AddWithValue("id", Guid.Parse(BobsRequest));
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<List<(string? Ip, int Count)>> RefusalsAsync(string code, string target)
    {
        await using var db = new NpgsqlConnection(portal.DatabaseConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT actor_ip, (details->>'count')::int FROM audit_events WHERE type = 'request.refused' AND reason = @code AND details->>'target' = @target", db);
        cmd.Parameters.AddWithValue("code", code);
        cmd.Parameters.AddWithValue("target", target);
        var found = new List<(string?, int)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt32(1)));
        }
        return found;
    }

    /// <summary>One HTML page on http://localhost:&lt;free port&gt;/: same site as the portal, another origin.</summary>
    private sealed class AttackerSite : IDisposable
    {
        private readonly HttpListener _listener = new();

        private AttackerSite(string html)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = new Uri($"http://localhost:{port}/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _ = ServeAsync(Encoding.UTF8.GetBytes(html));
        }

        public Uri Url { get; }

        public static AttackerSite Serve(string html) => new(html);

        private async Task ServeAsync(byte[] body)
        {
            try
            {
                while (_listener.IsListening)
                {
                    var context = await _listener.GetContextAsync();
                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                // Stopped.
            }
        }

        public void Dispose() => _listener.Close();
    }
}
