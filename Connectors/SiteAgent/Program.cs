using Portal.Connectors.SiteAgent.Commands;
using Portal.Connectors.SiteAgent.SiteLog;
using Portal.Connectors.SiteAgent.SitePolicy;

namespace Portal.Connectors.SiteAgent;

/// <summary>The site agent's commands: exit code 0 on success, 1 with one line on stderr otherwise.</summary>
public static class Program
{
    public const string Help = """
        Portal site agent: answers the portal's signed orders next to the data (docs/site-agent.md).

          enroll --portal <url> --code <code> --state <dir>   make the agent's key, register it, pin the portal's order key
          run [--config <site.json>]                           keep the link to the portal and answer orders
          log show [--config <site.json> | --state <dir>] [--tail N]   print the site log
          log verify [--config <site.json> | --state <dir>]            check the site log's hash chain
          log reconcile [--config <site.json> | --state <dir>] --audit <portal-audit.jsonl>
                                                                       exports on one side only, or with other bytes
          --help                                               this text
        """;

    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        return await RunAsync(args, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return args switch
            {
                [] or ["--help" or "-h" or "help", ..] => await WriteAsync(output, Help, 0).ConfigureAwait(false),
                ["enroll", .. var rest] => await EnrollCommand.RunAsync(rest, output, cancellationToken).ConfigureAwait(false),
                ["run", .. var rest] => await RunCommand.RunAsync(rest, cancellationToken).ConfigureAwait(false),
                ["log", "show", .. var rest] => await LogCommands.ShowAsync(rest, output).ConfigureAwait(false),
                ["log", "verify", .. var rest] => await LogCommands.VerifyAsync(rest, output, error).ConfigureAwait(false),
                ["log", "reconcile", .. var rest] => await LogCommands.ReconcileAsync(rest, output, error).ConfigureAwait(false),
                _ => await WriteAsync(error, $"unknown command '{string.Join(' ', args)}'; --help lists the commands", 1).ConfigureAwait(false),
            };
        }
        catch (Exception e) when (e is SiteAgentException or SiteConfigException or SiteLogException or IOException or UnauthorizedAccessException)
        {
            return await WriteAsync(error, "site-agent: " + e.Message, 1).ConfigureAwait(false);
        }
    }

    private static async Task<int> WriteAsync(TextWriter writer, string text, int code)
    {
        await writer.WriteLineAsync(text).ConfigureAwait(false);
        return code;
    }
}
