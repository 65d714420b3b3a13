using Microsoft.Playwright;

namespace Portal.EndToEnd;

/// <summary>Debian's Chromium driven by Playwright. No browser download: the machine's /usr/bin/chromium or nothing.</summary>
public sealed class Browser : IAsyncLifetime
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") ?? "/usr/bin/chromium";

    private IPlaywright? _playwright;
    public IBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ExecutablePath),
            $"Chromium is missing at {ExecutablePath}: deploy/test.sh installs Debian's chromium package (apt-get install chromium).");
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // This machine has no network beyond loopback: keep Chromium from dialling out.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await Chromium.CloseAsync();
        _playwright?.Dispose();
    }
}
