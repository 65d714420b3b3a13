using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Features.Demo;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The real portal in memory, on its own fresh PostgreSQL database (one per test class), with a controllable clock.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TestDatabase? _ownDatabase;

    public PortalFactory()
    {
        _ownDatabase = TestDatabase.Create("portal");
        ConnectionString = _ownDatabase.ConnectionString;
    }

    protected PortalFactory(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }
    private FakeTimeProvider? _clock;

    public FakeTimeProvider Clock => _clock ??= new FakeTimeProvider(StartTime);

    protected virtual DateTimeOffset StartTime => new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The SAML federation this portal trusts (default: the demo hospital and university).</summary>
    protected virtual IReadOnlyDictionary<string, string> Federation => TestFederation.DemoSettings("http://localhost");

    protected virtual string EnvironmentName => "Development";

    /// <summary>Settings a derived factory adds (sources, allow-lists).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> ExtraSettings => [];

    /// <summary>This portal's pseudonym master secret: random per factory, as a real one is per deployment.</summary>
    public string MasterSecret { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    protected virtual bool Migrate => true;
    protected virtual bool SeedDemo => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:Portal", ConnectionString);
        foreach (var (key, value) in Federation.Concat(ExtraSettings))
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("Keys:PseudonymMasterSecret", MasterSecret);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public async Task InitializeAsync()
    {
        if (Migrate)
        {
            await using var scope = Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PortalDb>().Database.MigrateAsync();
        }
        if (SeedDemo)
        {
            await using var scope = Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeed>().RunAsync(CancellationToken.None);
        }
    }

    public PortalDb CreateDb()
    {
        var options = new DbContextOptionsBuilder<PortalDb>();
        PortalDbSetup.Configure(options, ConnectionString);
        return new PortalDb(options.Options);
    }

    /// <summary>Waits until this host's policy engine has loaded the database.</summary>
    public Task PolicyLoadedAsync() =>
        Services.GetRequiredService<Features.Access.PolicySync>().Loaded.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Set by factories that serve through real Kestrel on loopback: the URL the portal is configured with.</summary>
    protected Uri? KestrelBaseUrl { get; set; }

    /// <summary>A client that behaves like a browser tab: keeps cookies, shows redirects instead of following them.</summary>
    public HttpClient CreateBrowserClient()
    {
        if (KestrelBaseUrl is null)
        {
            return CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        }
        _ = Services; // starts the server
        return new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }, disposeHandler: true)
        {
            BaseAddress = KestrelBaseUrl,
        };
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownDatabase is not null)
        {
            await _ownDatabase.DisposeAsync();
        }
        await DisposeExtrasAsync();
    }

    /// <summary>What a derived factory made besides the portal's database.</summary>
    protected virtual Task DisposeExtrasAsync() => Task.CompletedTask;
}

/// <summary>Another portal instance on a database another factory owns (several hosts, one PostgreSQL).</summary>
public sealed class SecondHostFactory(string connectionString) : PortalFactory(connectionString);

/// <summary>The portal with the demo data seeded.</summary>
public sealed class DemoPortalFactory : PortalFactory
{
    protected override bool SeedDemo => true;
}

/// <summary>The portal on a database nobody migrated.</summary>
public sealed class UnmigratedPortalFactory : PortalFactory
{
    protected override bool Migrate => false;
}
