using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Portal.Tests.Infrastructure;

namespace Portal.EndToEnd;

/// <summary>
/// The real portal executable on a free loopback port, on its own fresh database with the demo data, trusting the
/// demo SimpleSAMLphp IdPs (hospital and university) that it starts beside it. Started once per test class.
/// </summary>
public sealed class PortalProcess : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create("e2e");
    private readonly StringBuilder _log = new();
    private Process? _process;

    private readonly string _idpState = Directory.CreateTempSubdirectory("e2e-idp-").FullName;
    private readonly int _idpPort = FreePort();

    // "localhost" for both: the IdP's POST back is then same-site, as the pending-request cookie needs on plain HTTP.
    public Uri BaseUrl { get; } = new($"http://localhost:{FreePort()}");
    public string Log { get { lock (_log) { return _log.ToString(); } } }

    public async Task InitializeAsync()
    {
        var idp = await RunScriptAsync("start", _idpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(idp.ExitCode == 0, $"deploy/idp.sh start failed: {idp.Output}");

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
        psi.Environment["Demo__IdpBaseUrl"] = $"http://localhost:{_idpPort}";
        psi.Environment["Saml__BaseUrl"] = BaseUrl.ToString().TrimEnd('/');
        psi.Environment["Saml__IdentityProviders__0__Metadata"] = Path.Combine(_idpState, "metadata", "hospital.xml");
        psi.Environment["Saml__IdentityProviders__1__Metadata"] = Path.Combine(_idpState, "metadata", "university.xml");
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
        await RunScriptAsync("stop");
        await _database.DisposeAsync();
        Directory.Delete(_idpState, recursive: true);
    }

    private async Task<(int ExitCode, string Output)> RunScriptAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "deploy", "idp.sh"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["IDP_STATE"] = _idpState;
        psi.Environment["SP_BASE_URL"] = BaseUrl.ToString().TrimEnd('/');
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (p.ExitCode, await output + await error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
