using Portal.Hosting;

namespace Portal.Features.SignIn.Demo;

/// <summary>
/// Demo sign-in lets anyone act as any demo user. It exists for Development until federated sign-in is configured,
/// and the portal refuses to start with it anywhere else.
/// </summary>
public static class DemoSignInGuard
{
    public const string EnabledKey = "DemoSignIn:Enabled";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue(EnabledKey, false);

    public static void Validate(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (IsEnabled(configuration) && !environment.IsDevelopment())
        {
            throw new PortalConfigurationException(
                $"{EnabledKey} is true in the '{environment.EnvironmentName}' environment; demo sign-in is allowed in Development only. " +
                "Remove the setting or run with ASPNETCORE_ENVIRONMENT=Development.");
        }
    }
}
