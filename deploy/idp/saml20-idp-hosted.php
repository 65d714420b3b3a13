<?php
// This config dir's single hosted IdP: entity ID <base>/idp/<institution>, its own key, its scope.
declare(strict_types=1);

require_once __DIR__ . '/settings.php';
$s = demo_idp_settings();

$metadata[$s['base_url'] . '/idp/' . $s['institution']] = [
    'host' => '__DEFAULT__',
    'privatekey' => $s['dir'] . '/cert/idp.key',
    'certificate' => $s['dir'] . '/cert/idp.crt',
    'auth' => 'demo-users',
    'scope' => [$s['institution_data']['scope']],
    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    'OrganizationName' => ['en' => $s['institution_data']['name']],
    'OrganizationDisplayName' => ['en' => $s['institution_data']['name']],
    'OrganizationURL' => ['en' => 'https://' . $s['institution_data']['scope'] . '/'],
    'UIInfo' => ['DisplayName' => ['en' => $s['institution_data']['name']]],
];
