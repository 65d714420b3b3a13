using Npgsql;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Foundation;

/// <summary>
/// The real executable, started as an operator would: bad configuration ends with exit code 1 and one clear line.
/// </summary>
public sealed class StartupConfigurationTests
{
    public static TheoryData<string, string?, string> BadDatabases => new()
    {
        { "missing", null, "ConnectionStrings:Portal is not set" },
        { "malformed", "Host=127.0.0.1;Port=notanumber", "is not a valid PostgreSQL connection string" },
        { "nothing listening", "Host=127.0.0.1;Port=1;Username=portal;Password=x;Database=portal", "cannot connect to PostgreSQL at 127.0.0.1:1" },
        { "unknown database", WithDatabase("no_such_database_here"), "database \"no_such_database_here\" does not exist" },
        { "wrong password", WrongPassword(), "password authentication failed" },
    };

    [Theory]
    [MemberData(nameof(BadDatabases))]
    public async Task Bad_database_configuration_ends_with_one_clear_line(string _, string? connectionString, string expected)
    {
        var run = await RunPortalAsync(new() { ["ConnectionStrings__Portal"] = connectionString, ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        Assert.Equal(1, run.ExitCode);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("portal: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadSaml => new()
    {
        { "Saml__IdentityProviders__0__Metadata", "/nonexistent/idp.xml", "IdP metadata /nonexistent/idp.xml cannot be read" },
        { "Saml__BaseUrl", "not a url", "Saml:BaseUrl must be the portal's public URL" },
        { "Saml__SigningKey", "/nonexistent/key.pem", "Saml:SigningCertificate and Saml:SigningKey go together" },
    };

    [Theory]
    [MemberData(nameof(BadSaml))]
    public async Task Bad_saml_configuration_ends_with_one_clear_line(string key, string value, string expected)
    {
        await using var database = TestDatabase.Create("cfg");
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Portal"] = database.ConnectionString,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Saml__BaseUrl"] = "https://portal.example.org",
            ["Saml__IdentityProviders__0__Metadata"] = Path.Combine(RepoPaths.Root, "README.md"),
        };
        env[key] = value;
        var run = await RunPortalAsync(env);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_migrate_command_prepares_an_empty_database_and_is_idempotent()
    {
        await using var database = TestDatabase.Create("cfg");
        var env = new Dictionary<string, string?> { ["ConnectionStrings__Portal"] = database.ConnectionString, ["ASPNETCORE_ENVIRONMENT"] = "Production" };

        var first = await RunPortalAsync(env, "migrate");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("applied", first.Stdout, StringComparison.Ordinal);

        var second = await RunPortalAsync(env, "migrate");
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("up to date", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_named()
    {
        var run = await RunPortalAsync(new(), "frobnicate");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown command 'frobnicate'", run.Stderr, StringComparison.Ordinal);
    }

    private static string WithDatabase(string name) =>
        new NpgsqlConnectionStringBuilder(TestDatabase.Server) { Database = name }.ConnectionString;

    private static string WrongPassword() =>
        new NpgsqlConnectionStringBuilder(TestDatabase.Server) { Password = "definitely-not-the-password" }.ConnectionString;

    private static Task<PortalExecutable.Run> RunPortalAsync(Dictionary<string, string?> env, params string[] args) =>
        PortalExecutable.RunAsync(env, args);
}
