<?php
// Reads the per-institution settings that deploy/idp.sh generated next to the config (URLs, paths, salt, switches).
declare(strict_types=1);

function demo_idp_settings(): array
{
    static $settings = null;
    if ($settings === null) {
        $dir = getenv('SIMPLESAMLPHP_CONFIG_DIR');
        $settings = require $dir . '/instance.php';
        $settings['institution_data'] = (require __DIR__ . '/institutions.php')[$settings['institution']];
    }
    return $settings;
}
