namespace Portal.Features.Notifications;

internal static class NotificationsSetup
{
    public static IServiceCollection AddPortalNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section));
        services.AddSingleton<EmailDeliverySignal>();
        services.AddSingleton<NotificationService>();
        services.AddSingleton<NotificationInbox>();
        services.AddSingleton<EmailDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<EmailDelivery>());
        return services;
    }
}
