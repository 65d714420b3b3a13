namespace Portal.Features.Notifications;

/// <summary>Notifications: the outbox every feature writes to, its e-mail delivery, and the inbox (/api/notifications, bell, page).</summary>
public static class NotificationsFeature
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section));
        services.AddSingleton<EmailDeliverySignal>();
        services.AddSingleton<NotificationService>();
        services.AddSingleton<NotificationInbox>();
        services.AddSingleton<EmailDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<EmailDelivery>());
        return services;
    }

    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder api)
    {
        api.MapNotificationsApi();
        return api;
    }
}
