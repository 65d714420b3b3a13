using System.Diagnostics;
using System.Text.RegularExpressions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Operations;

/// <summary>
/// deploy/compose.yaml is validated by Debian's docker-compose (its "config" needs no Docker daemon), and the
/// Dockerfile's final stage keeps the properties operators rely on. No image is built here.
/// </summary>
public sealed partial class DeploymentFileTests
{
    private static readonly string Deploy = Path.Combine(RepoPaths.Root, "deploy");

    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["PORTAL_DB_PASSWORD"] = "test-only-portal-password",
        ["HOSPITAL_READER_PASSWORD"] = "test-only-reader-password",
        ["HOSPITAL_DB_PASSWORD"] = "test-only-hospital-password",
    };

    private static (int ExitCode, string Output, string Error) DockerCompose(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var executable = FindOnPath("docker-compose");
        Assert.True(executable is not null,
            "docker-compose is not installed: the compose file cannot be validated. Install Debian's package " +
            "(apt-get install docker-compose; deploy/test.sh does it).");
        var psi = new ProcessStartInfo(executable!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // Only what the test gives: a developer's own deploy/.env or shell must not make the file look valid.
        foreach (var key in new[] { "PORTAL_DB_PASSWORD", "HOSPITAL_READER_PASSWORD", "PORTAL_PUBLIC_URL", "IDP_PUBLIC_URL", "DEMO_PATIENTS" })
        {
            psi.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "docker-compose config did not finish within 60 s");
        return (process.ExitCode, output, error.Result);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static string ComposeFile => Path.Combine(Deploy, "compose.yaml");

    /// <summary>An empty env file, so that a developer's own deploy/.env cannot make the file look valid.</summary>
    private static readonly string EmptyEnvFile = CreateEmptyFile();

    private static string CreateEmptyFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"portal-compose-test-{Environment.ProcessId}.env");
        File.WriteAllText(path, "");
        return path;
    }

    [Fact]
    public void The_compose_file_validates_with_docker_compose_config()
    {
        var (exitCode, output, error) = DockerCompose(Secrets, "-f", ComposeFile, "--env-file", EmptyEnvFile, "config");

        Assert.True(exitCode == 0, $"docker-compose config exited {exitCode}: {error}");
        var services = DockerCompose(Secrets, "-f", ComposeFile, "--env-file", EmptyEnvFile, "config", "--services").Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order().ToList();
        Assert.Equal(["agent", "hospital-db", "idp", "nginx", "portal-a", "portal-b", "postgres", "setup"], services);
        // The resolved file carries the passwords it was given, from the environment, not from the repository.
        Assert.Contains("Password=test-only-portal-password", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_site_agent_and_the_hospital_database_are_on_the_hospitals_network()
    {
        var blocks = ServiceBlocks(File.ReadAllText(ComposeFile));
        var onSite = blocks.Where(b => b.Value.Contains("site-net:", StringComparison.Ordinal)).Select(b => b.Key).Order().ToList();
        Assert.Equal(["agent", "hospital-db"], onSite);
        Assert.DoesNotContain("portal-net:", blocks["hospital-db"], StringComparison.Ordinal);
        Assert.Contains("internal: true", File.ReadAllText(ComposeFile), StringComparison.Ordinal);
        // The portal is told no hospital host, login or password.
        Assert.DoesNotContain("Demo__HospitalPassword", File.ReadAllText(ComposeFile), StringComparison.Ordinal);
        Assert.DoesNotContain("AllowedHosts", File.ReadAllText(ComposeFile), StringComparison.Ordinal);
    }

    /// <summary>Each service's lines in the compose file, by name (two-space indented keys under "services:").</summary>
    private static Dictionary<string, string> ServiceBlocks(string compose)
    {
        var blocks = new Dictionary<string, string>();
        var inServices = false;
        string? current = null;
        foreach (var line in compose.Split('\n'))
        {
            if (line.StartsWith("services:", StringComparison.Ordinal))
            {
                inServices = true;
                continue;
            }
            if (inServices && line.Length > 0 && !char.IsWhiteSpace(line[0]) && !line.StartsWith('#'))
            {
                break;
            }
            if (inServices && line.StartsWith("  ", StringComparison.Ordinal) && !line.StartsWith("   ", StringComparison.Ordinal) && line.TrimEnd().EndsWith(':'))
            {
                current = line.Trim().TrimEnd(':');
                blocks[current] = "";
            }
            else if (current is not null)
            {
                blocks[current] += line + "\n";
            }
        }
        return blocks;
    }

    [Fact]
    public void The_compose_file_refuses_to_start_without_its_secrets()
    {
        var (exitCode, _, error) = DockerCompose(new Dictionary<string, string>(), "-f", ComposeFile, "--env-file", EmptyEnvFile, "config");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("compose-secrets.sh", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_portal_instances_run_read_only_behind_the_one_trusted_proxy()
    {
        var text = File.ReadAllText(ComposeFile);
        Assert.Contains("read_only: true", text, StringComparison.Ordinal);
        Assert.Contains("- /tmp", text, StringComparison.Ordinal);
        var proxyAddress = ProxyAddress().Match(text);
        Assert.True(proxyAddress.Success, "the portal trusts forwarded headers from one configured proxy address");
        Assert.Contains($"ipv4_address: {proxyAddress.Groups[1].Value}", text, StringComparison.Ordinal);
        // No secret value is committed: every password is interpolated from the environment.
        Assert.DoesNotMatch(LiteralPassword(), text);
    }

    [Fact]
    public void Nginx_keeps_a_browser_on_one_instance_and_passes_websockets_and_the_forwarded_headers()
    {
        var conf = File.ReadAllText(Path.Combine(Deploy, "nginx.conf"));
        Assert.Matches(@"hash \$portal_node consistent;|ip_hash;", conf);
        Assert.Contains("proxy_set_header Upgrade $http_upgrade;", conf, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header Connection $connection_upgrade;", conf, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header X-Forwarded-Proto $scheme;", conf, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header X-Forwarded-For", conf, StringComparison.Ordinal);
        Assert.Contains("location = /metrics { return 404; }", conf, StringComparison.Ordinal);
        // A 503 (database unavailable) is the same on every instance: retrying it would mark them all failed.
        Assert.DoesNotMatch(@"proxy_next_upstream[^;]*http_503", conf);
    }

    [Fact]
    public void The_final_image_stage_runs_as_a_non_root_user_with_a_liveness_healthcheck()
    {
        var lines = File.ReadAllLines(Path.Combine(Deploy, "Dockerfile"));
        var stages = lines.Select((l, i) => (Line: l.Trim(), Index: i)).Where(x => x.Line.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(stages.Count >= 2, "a multi-stage build: the SDK builds, a runtime image runs");
        Assert.Contains("/sdk:", stages[0].Line, StringComparison.Ordinal);
        Assert.Contains("/aspnet:", stages[^1].Line, StringComparison.Ordinal);

        var final = Instructions(lines.Skip(stages[^1].Index + 1)).ToList();
        var user = final.LastOrDefault(i => i.Keyword == "USER").Arguments;
        Assert.False(string.IsNullOrWhiteSpace(user), "the final stage sets USER");
        Assert.DoesNotMatch(@"^(root|0)(:.*)?$", user);
        var health = final.SingleOrDefault(i => i.Keyword == "HEALTHCHECK").Arguments;
        Assert.NotNull(health);
        Assert.Contains("/health/live", health, StringComparison.Ordinal);
        Assert.Equal("[\"dotnet\", \"Portal.dll\"]", final.Last(i => i.Keyword == "ENTRYPOINT").Arguments);
    }

    /// <summary>Dockerfile instructions with continuation lines joined and comments dropped.</summary>
    private static IEnumerable<(string Keyword, string Arguments)> Instructions(IEnumerable<string> lines)
    {
        var current = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }
            current += line.EndsWith('\\') ? line[..^1] + " " : line;
            if (line.EndsWith('\\'))
            {
                continue;
            }
            var space = current.IndexOf(' ', StringComparison.Ordinal);
            yield return space < 0 ? (current.ToUpperInvariant(), "") : (current[..space].ToUpperInvariant(), current[(space + 1)..].Trim());
            current = "";
        }
    }

    [GeneratedRegex(@"Proxy__TrustedNetworks__0:\s*([0-9.]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ProxyAddress();

    [GeneratedRegex(@"(?i)password[^$\n]*[:=]\s*[""']?[A-Za-z0-9]{6,}")]
    private static partial Regex LiteralPassword();
}
