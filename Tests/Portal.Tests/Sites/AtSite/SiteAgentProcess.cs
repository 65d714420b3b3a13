using System.Diagnostics;
using System.Text;
using Npgsql;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites.AtSite;

/// <summary>
/// The real site agent, as its own process (the executable built with these tests), in a folder of its own holding
/// what an owner's site holds: site.json with its policy, the hospital login, the site's pseudonym secret.
/// </summary>
internal sealed class SiteAgentProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private static readonly string[] Identifiers = ["mrn", "first_name", "last_name"];

    private SiteAgentProcess(string folder) => Folder = folder;

    public string Folder { get; }

    public string State => Path.Combine(Folder, "state");

    public string SiteLog => File.Exists(Path.Combine(State, "site-log.jsonl")) ? File.ReadAllText(Path.Combine(State, "site-log.jsonl")) : "";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string Dll
    {
        get
        {
            // The tests' own configuration (Release in deploy/test.sh) names the agent's build folder.
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var dll = Path.Combine(RepoPaths.Root, "Connectors", "SiteAgent", "bin", configuration, "net10.0", "Portal.Connectors.SiteAgent.dll");
            Assert.True(File.Exists(dll), $"The site agent is not built at {dll}: build Portal.sln first.");
            return dll;
        }
    }

    /// <summary>
    /// A site folder with a policy for the hospital's two tables: k of at least <paramref name="minK"/>, the identifiers
    /// and <paramref name="neverLeave"/> never leave; <paramref name="policy"/> adds members to "patients".
    /// </summary>
    public static SiteAgentProcess Prepare(string hospitalConnectionString, string policy = "", int minK = 5, params string[] neverLeave)
    {
        var folder = Directory.CreateTempSubdirectory("site-").FullName;
        File.WriteAllText(Path.Combine(folder, "pseudonym.key"), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var login = new NpgsqlConnectionStringBuilder(hospitalConnectionString) { ApplicationName = "site-agent" };
        File.WriteAllText(Path.Combine(folder, "hospital.conn"), login.ConnectionString);
        var extra = policy.Length == 0 ? "" : ", " + policy;
        var never = string.Join(", ", Identifiers.Concat(neverLeave).Select(c => $"\"{c}\""));
        File.WriteAllText(Path.Combine(folder, "site.json"), $$$"""
            {"stateDirectory": "state", "pseudonymSecretFile": "pseudonym.key",
             "sources": {"hospital": {"kind": "postgres", "connectionStringFile": "hospital.conn"}},
             "datasets": {
               "patients": {"source": "hospital", "relation": "public.patients", "minK": {{{minK}}}, "neverLeave": [{{{never}}}]{{{extra}}}},
               "recent_admissions": {"source": "hospital", "relation": "public.recent_admissions", "minK": 5}
             }
            }
            """);
        return new SiteAgentProcess(folder);
    }

    /// <summary>`enroll`: exit code and everything it printed.</summary>
    public Task<(int ExitCode, string Output)> EnrollAsync(Uri portal, string code) =>
        CommandAsync("enroll", "--portal", portal.ToString(), "--code", code, "--state", State);

    /// <summary>One of the agent's commands (not `run`), to its end: exit code and everything it printed.</summary>
    public async Task<(int ExitCode, string Output)> CommandAsync(params string[] args)
    {
        var psi = Start(args);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return (p.ExitCode, await stdout + await stderr);
    }

    /// <summary>`run`, until the agent says it is linked to the portal.</summary>
    public async Task RunAsync()
    {
        var psi = Start("run", "--config", Path.Combine(Folder, "site.json"));
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitForOutputAsync("Linked to the portal");
    }

    public async Task WaitForOutputAsync(string text, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < until, $"The agent did not say '{text}' within {seconds} s. Its output:\n{Output}");
            if (_process is { HasExited: true })
            {
                Assert.Fail($"The agent exited ({_process.ExitCode}). Its output:\n{Output}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Ends the agent at once, as a crash or a pulled plug would: no goodbye on the link.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private ProcessStartInfo Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Folder };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_NOLOGO"] = "1";
        return psi;
    }
}
