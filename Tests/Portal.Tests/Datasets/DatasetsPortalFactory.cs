using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Datasets;

/// <summary>The demo portal over a real hospital database, accepting uploads of at most 64 KiB into its own folder.</summary>
public class DatasetsPortalFactory : HospitalPortalFactory
{
    public const long MaxUpload = 64 * 1024;

    public string UploadFolder { get; } = Path.Combine(Path.GetTempPath(), "portal-uploads-" + Guid.NewGuid().ToString("N"));

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
        base.ExtraSettings.Concat(
        [
            new("Connectors:UploadFolder", UploadFolder),
            new("Connectors:MaxUploadBytes", MaxUpload.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);

    public async Task<HttpClient> SignedInAsync(Guid user)
    {
        await PolicyLoadedAsync();
        var client = CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    /// <summary>The JSON body of a registration of the hospital's patients table (host 127.0.0.1 is allow-listed).</summary>
    public object PatientsSource(string name, string host = "127.0.0.1", string relation = "patients")
    {
        var b = new NpgsqlConnectionStringBuilder(HospitalConnectionString);
        return new { name, host, port = b.Port, database = b.Database, schema = "public", relation, username = b.Username, password = b.Password };
    }

    /// <summary>Registers the patients table as a new draft owned by the signed-in client; returns its id.</summary>
    public async Task<Guid> RegisterPatientsAsync(HttpClient owner, string? name = null)
    {
        using var response = await owner.PostAsJsonAsync("/api/datasets", PatientsSource(name ?? "Patients " + Guid.NewGuid().ToString("N")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, text);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("id").GetGuid();
    }

    protected override async Task DisposeExtrasAsync()
    {
        await base.DisposeExtrasAsync();
        if (Directory.Exists(UploadFolder))
        {
            Directory.Delete(UploadFolder, recursive: true);
        }
    }
}

/// <summary>A second, separate world: withdrawing the demo dataset must not disturb the other test classes.</summary>
public sealed class WithdrawalPortalFactory : DatasetsPortalFactory;
