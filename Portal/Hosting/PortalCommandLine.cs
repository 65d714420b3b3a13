using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Demo;
using Portal.Features.Exports.Offline;

namespace Portal.Hosting;

/// <summary>
/// The portal executable's commands. Without one it serves; "migrate" and "seed-demo" prepare the database.
/// Configuration errors end with one line on stderr and exit code 1.
/// </summary>
public static class PortalCommandLine
{
    private static readonly string[] Commands = ["serve", "migrate", "seed-demo", "anonymize", "generalize", "verify-audit"];

    public static async Task<int> RunAsync(string[] args, Func<string[], WebApplication> build)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(build);
        var command = args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=', StringComparison.Ordinal) ? args[0] : "serve";
        var hostArgs = command == "serve" && (args.Length == 0 || args[0] != "serve") ? args : args[1..];
        if (!Commands.Contains(command))
        {
            await Console.Error.WriteLineAsync($"portal: unknown command '{command}'. Commands: {string.Join(", ", Commands)}.");
            return 2;
        }

        if (command == "anonymize")
        {
            // Offline: no database, no web host; configuration from the environment only.
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            return await AnonymizeCommand.RunAsync(hostArgs, configuration, CancellationToken.None);
        }

        if (command == "generalize")
        {
            return await Features.Privacy.GeneralizeCommand.RunAsync(hostArgs, CancellationToken.None);
        }

        try
        {
            var app = build(hostArgs);
            var connectionString = DatabaseConnectivity.RequireConnectionString(app.Configuration);
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            await DatabaseConnectivity.EnsureReachableAsync(connectionString, cts.Token);

            switch (command)
            {
                case "migrate":
                    await MigrateAsync(app, cts.Token);
                    return 0;
                case "verify-audit":
                    {
                        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
                        await conn.OpenAsync(cts.Token);
                        var result = await Features.Audit.AuditChainVerifier.VerifyAsync(conn, cts.Token);
                        (result.Intact ? Console.Out : Console.Error).WriteLine($"portal: {result.Message}");
                        return result.Intact ? 0 : 3;
                    }
                case "seed-demo":
                    await MigrateAsync(app, cts.Token);
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        var seeded = await scope.ServiceProvider.GetRequiredService<DemoSeed>().RunAsync(cts.Token);
                        Console.WriteLine(seeded ? "portal: demo data seeded" : "portal: demo data already present, nothing seeded");
                        if (await scope.ServiceProvider.GetRequiredService<DemoSiteAgent>().PrepareAsync(cts.Token) is { } agentStatus)
                        {
                            Console.WriteLine($"portal: {agentStatus}");
                        }
                    }
                    return 0;
                default:
                    if (app.Configuration.GetValue("Database:MigrateOnStartup", false))
                    {
                        await MigrateAsync(app, cts.Token);
                    }
                    await app.Services.GetRequiredService<Features.SignIn.Saml.SamlIdentityProviders>().LoadAsync(cts.Token);
                    await app.RunAsync();
                    return 0;
            }
        }
        catch (PortalConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"portal: {e.Message}");
            return 1;
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await Console.Error.WriteLineAsync($"portal: {e.Message} Another program (or another portal) listens there; choose other --urls.");
            return 1;
        }
    }

    private static async Task MigrateAsync(WebApplication app, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        // EF Core takes a database lock while migrating, so several instances starting together are safe.
        await db.Database.MigrateAsync(ct);
        Console.WriteLine(pending.Count == 0
            ? "portal: database schema is up to date"
            : $"portal: applied {pending.Count} migration(s): {string.Join(", ", pending)}");
    }
}
