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
    protected virtual bool Migrate => true;
    protected virtual bool SeedDemo => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:Portal", ConnectionString);
        foreach (var (key, value) in Federation)
        {
            builder.UseSetting(key, value);
        }
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

    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownDatabase is not null)
        {
            await _ownDatabase.DisposeAsync();
        }
    }
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
