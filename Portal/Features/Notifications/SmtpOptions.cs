namespace Portal.Features.Notifications;

/// <summary>Configuration section "Smtp". Without a Host, notifications stay in the portal and nothing is mailed.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string From { get; set; } = "VO Data Portal <portal@localhost>";
    public bool UseStartTls { get; set; } = true;
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Absolute base of links in e-mails, e.g. "https://portal.example.org"; without it links stay relative.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How often the outbox is looked at when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After this many failed attempts an e-mail is given up (still visible in the portal).</summary>
    public int MaxAttempts { get; set; } = 8;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}
