using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using Portal.Tests.Infrastructure;

namespace Portal.EndToEnd;

/// <summary>
/// The real portal executable on a free loopback port, on its own fresh database with the demo data, trusting the
/// demo SimpleSAMLphp IdPs (hospital and university, with Single Logout to the portal's signing key) and the demo
/// OIDC provider (oidc-provider, "demo") that it starts beside it, reading a small demo hospital database
/// (deploy/demo/hospital.sql) on the test cluster, on the connector allow-list. Started once per test class.
/// </summary>
public sealed class PortalProcess : IAsyncLifetime
{
    private const int HospitalPatients = 2000;

    // Playwright's default of 5 s per expectation is too short on a busy 2-core machine (CI shares it with PostgreSQL,
    // the IdPs and the portal): every E2E class starts with this fixture, so this sets it for all of them.
    static PortalProcess() => Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(30_000);

    private readonly TestDatabase _database = TestDatabase.Create("e2e");
    private readonly TestDatabase _hospital = TestDatabase.Create("e2e_hospital");
    private readonly StringBuilder _log = new();
    private Process? _process;

    private readonly string _idpState = Directory.CreateTempSubdirectory("e2e-idp-").FullName;
    private readonly int _idpPort = FreePort();
    private readonly int _oidcPort = FreePort();

    // Fresh per run, never in the repository: exports need one to derive pseudonym keys.
    private readonly string _pseudonymSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    // "localhost" for both: the IdP's POST back is then same-site, as the pending-request cookie needs on plain HTTP.
    public Uri BaseUrl { get; } = new($"http://localhost:{FreePort()}");
    public string Log { get { lock (_log) { return _log.ToString(); } } }

    /// <summary>The demo OIDC provider's issuer: the user key of its people is (this, their login).</summary>
    public Uri OidcIssuer => new($"http://localhost:{_oidcPort}");

    private string SpKeys => Path.Combine(_idpState, "sp");

    /// <summary>The portal's own database, for checks of what a test did (audit events, grants).</summary>
    public string DatabaseConnectionString => _database.ConnectionString;

    /// <summary>Where the demo hospital's patients are, as an owner types it into the registration form.</summary>
    public HospitalSource Hospital => HospitalSource.Of(TestDatabase.Server, _hospital.Name);

    public async Task InitializeAsync()
    {
        // The portal's signing key first: the IdPs check the portal's LogoutRequests with it.
        Directory.CreateDirectory(SpKeys);
        var keys = await RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30", "-subj", "/CN=E2E portal signing",
            "-keyout", Path.Combine(SpKeys, "signing.key"), "-out", Path.Combine(SpKeys, "signing.crt")]);
        Assert.True(keys.ExitCode == 0, $"openssl failed: {keys.Output}");

        var idp = await RunScriptAsync("idp.sh", "start", _idpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(idp.ExitCode == 0, $"deploy/idp.sh start failed: {idp.Output}");
        var oidc = await RunScriptAsync("oidc.sh", "start", _oidcPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(oidc.ExitCode == 0, $"deploy/oidc.sh start failed: {oidc.Output}");

        var server = new NpgsqlConnectionStringBuilder(TestDatabase.Server);
        var hospital = await RunAsync("psql",
            ["-h", server.Host!, "-p", Hospital.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", server.Username!, "-d", Hospital.Database, "-q",
             "-v", $"patients={HospitalPatients}", "-v", "seed=0.42", "-f", Path.Combine(RepoPaths.Root, "deploy", "demo", "hospital.sql")],
            new Dictionary<string, string> { ["PGPASSWORD"] = server.Password ?? "" });
        Assert.True(hospital.ExitCode == 0, $"psql -f deploy/demo/hospital.sql failed: {hospital.Output}");

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
        // Refusal events are written when their window closes: short here, so tests read them back in seconds.
        psi.Environment["Audit__RefusalWindowSeconds"] = "2";
        psi.Environment["Saml__IdentityProviders__0__Metadata"] = Path.Combine(_idpState, "metadata", "hospital.xml");
        psi.Environment["Saml__IdentityProviders__1__Metadata"] = Path.Combine(_idpState, "metadata", "university.xml");
        psi.Environment["Saml__SigningCertificate"] = Path.Combine(SpKeys, "signing.crt");
        psi.Environment["Saml__SigningKey"] = Path.Combine(SpKeys, "signing.key");
        // The demo provider's client and its demo secret, as deploy/run.sh configures them.
        psi.Environment["Oidc__Providers__demo__Authority"] = OidcIssuer.ToString().TrimEnd('/');
        psi.Environment["Oidc__Providers__demo__RequireHttps"] = "false";
        psi.Environment["Oidc__Providers__demo__ClientId"] = "vo-portal-demo";
        psi.Environment["Oidc__Providers__demo__ClientSecret"] = "vo-portal-demo-secret-not-for-production";
        psi.Environment["Oidc__Providers__demo__DisplayName"] = "Demo Lab (OpenID Connect)";
        psi.Environment["Oidc__Providers__demo__HomeOrganization"] = "Demo Lab";
        psi.Environment["Oidc__Providers__demo__Domains__0"] = "lab.example.net";
        // The seeded demo datasets and any dataset registered in a test read the hospital database on the test cluster.
        psi.Environment["Demo__HospitalHost"] = Hospital.Host;
        psi.Environment["Demo__HospitalPort"] = Hospital.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["Demo__HospitalDatabase"] = Hospital.Database;
        psi.Environment["Demo__HospitalUser"] = Hospital.User;
        psi.Environment["Demo__HospitalPassword"] = Hospital.Password;
        psi.Environment["Connectors__AllowedHosts__0"] = Hospital.Host;
        psi.Environment["Keys__PseudonymMasterSecret"] = _pseudonymSecret;
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
        await RunScriptAsync("idp.sh", "stop");
        await RunScriptAsync("oidc.sh", "stop");
        await _database.DisposeAsync();
        await _hospital.DisposeAsync();
        Directory.Delete(_idpState, recursive: true);
    }

    private Task<(int ExitCode, string Output)> RunScriptAsync(string script, params string[] args)
    {
        var environment = new Dictionary<string, string>
        {
            ["IDP_STATE"] = _idpState,
            ["OIDC_STATE"] = Path.Combine(_idpState, "oidc"),
            ["SP_BASE_URL"] = BaseUrl.ToString().TrimEnd('/'),
            ["SP_SIGNING_CERT"] = Path.Combine(SpKeys, "signing.crt"),
            ["PORTAL_BASE_URL"] = BaseUrl.ToString().TrimEnd('/'),
        };
        return RunAsync("bash", [Path.Combine(RepoPaths.Root, "deploy", script), .. args], environment);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] args, Dictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (key, value) in environment ?? [])
        {
            psi.Environment[key] = value;
        }
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

/// <summary>The demo hospital database on the test cluster, and the cluster's superuser that reads it.</summary>
public sealed record HospitalSource(string Host, int Port, string Database, string User, string Password)
{
    public static HospitalSource Of(string server, string database)
    {
        var b = new NpgsqlConnectionStringBuilder(server);
        return new HospitalSource(b.Host!, b.Port, database, b.Username!, b.Password ?? "");
    }
}
