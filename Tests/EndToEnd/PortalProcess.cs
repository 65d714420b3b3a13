using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Portal.Tests.Infrastructure;

namespace Portal.EndToEnd;

/// <summary>
/// The real portal executable on a free loopback port, on its own fresh database with the demo data, in Development
/// (demo sign-in on). Started once per test class.
/// </summary>
public sealed class PortalProcess : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create("e2e");
    private readonly StringBuilder _log = new();
    private Process? _process;

    public Uri BaseUrl { get; } = new($"http://127.0.0.1:{FreePort()}");
    public string Log { get { lock (_log) { return _log.ToString(); } } }

    public async Task InitializeAsync()
    {
        var seed = Start("seed-demo");
        await seed.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(seed.ExitCode == 0, $"seed-demo failed: {Log}");

        _process = Start("--urls", BaseUrl.ToString().TrimEnd('/'));
        using var http = new HttpClient { BaseAddress = BaseUrl };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(_process.HasExited, $"the portal exited during start-up: {Log}");
            try
            {
                using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, $"the portal was not ready within 60 s: {Log}");
            await Task.Delay(250);
        }
    }

    private Process Start(params string[] args)
    {
        Assert.True(File.Exists(RepoPaths.PortalDll), $"{RepoPaths.PortalDll} is missing: build Portal.sln first");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(RepoPaths.PortalDll)!,
        };
        psi.ArgumentList.Add(RepoPaths.PortalDll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["ConnectionStrings__Portal"] = _database.ConnectionString;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["DemoSignIn__Enabled"] = "true";
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        p.ErrorDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        await _database.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
