using System.Diagnostics;

namespace Portal.Tests.Infrastructure;

/// <summary>Runs the built portal executable as an operator would, and returns what it said.</summary>
public static class PortalExecutable
{
    public sealed record Run(int ExitCode, string Stdout, string Stderr);

    /// <param name="environment">Variables to set; a null value removes the variable. Portal settings the test
    /// process may carry (connection string, master secret) are removed first, so only what is given counts.</param>
    public static async Task<Run> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Assert.True(File.Exists(RepoPaths.PortalDll), $"build the portal first: {RepoPaths.PortalDll} is missing");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(RepoPaths.PortalDll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var inherited in new[] { "ConnectionStrings__Portal", "Keys__PseudonymMasterSecret", "Keys__PseudonymMasterSecretFile" })
        {
            psi.Environment.Remove(inherited);
        }
        psi.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (k, v) in environment)
        {
            if (v is null)
            {
                psi.Environment.Remove(k);
            }
            else
            {
                psi.Environment[k] = v;
            }
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the portal did not exit within 2 minutes: {await stdout} {await stderr}");
        }
        return new Run(process.ExitCode, await stdout, await stderr);
    }
}
