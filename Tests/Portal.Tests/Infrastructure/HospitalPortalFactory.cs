using Npgsql;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The demo portal whose two datasets read a real hospital database: deploy/demo/hospital.sql run by psql into a
/// fresh database of the test cluster, with <see cref="Patients"/> patients.
/// </summary>
public class HospitalPortalFactory : PortalFactory
{
    private readonly TestDatabase _hospital = TestDatabase.Create("hospital");

    protected virtual int Patients => 5000;
    protected override bool SeedDemo => true;

    public string HospitalConnectionString => _hospital.ConnectionString;

    public HospitalPortalFactory() =>
        _hospital.LoadHospital(Path.Combine(RepoPaths.Root, "deploy", "demo", "hospital.sql"), Patients);

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings
    {
        get
        {
            var server = new NpgsqlConnectionStringBuilder(TestDatabase.Server);
            yield return new("Demo:HospitalPort", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            yield return new("Demo:HospitalDatabase", _hospital.Name);
            yield return new("Demo:HospitalUser", server.Username!);
            yield return new("Demo:HospitalPassword", server.Password!);
            yield return new("Connectors:AllowedHosts:0", "127.0.0.1");
        }
    }

    protected override async Task DisposeExtrasAsync() => await _hospital.DisposeAsync();
}

/// <summary>
/// A hospital large enough that an export takes a while to read, served by real Kestrel on loopback: a cut-off
/// connection must look cut off to a real HTTP client.
/// </summary>
public sealed class LargeHospitalPortalFactory : HospitalPortalFactory
{
    private readonly int _port = FreePort();

    public LargeHospitalPortalFactory()
    {
        UseKestrel(_port);
        KestrelBaseUrl = new Uri($"http://localhost:{_port}");
    }

    protected override int Patients => 1_000_000;

    protected override IReadOnlyDictionary<string, string> Federation => TestFederation.DemoSettings($"http://localhost:{_port}");

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
