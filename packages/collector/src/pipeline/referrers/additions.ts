/**
 * What the referrer database (database.ts, refreshed from its npm package) lacks, kept
 * here by hand and small on purpose: AI assistants (no database on npm lists them yet),
 * hosts the database does not know yet, and Android apps whose package name is not the
 * reverse of their site's host. Each entry is a fact about a public service; when the
 * database learns one, it can go from here (the accuracy bench shows the effect).
 */

/** AI assistants: source → hosts. Their medium is `ai`. */
export const AI_ASSISTANTS: Record<string, string> = {
  ChatGPT: 'chatgpt.com chat.openai.com',
  Perplexity: 'perplexity.ai',
  Gemini: 'gemini.google.com bard.google.com',
  Copilot: 'copilot.microsoft.com copilot.cloud.microsoft',
  Claude: 'claude.ai',
  DeepSeek: 'chat.deepseek.com',
  'Le Chat': 'chat.mistral.ai',
  Grok: 'grok.com',
  'Meta AI': 'meta.ai',
  Poe: 'poe.com',
  'You.com': 'you.com',
  Qwen: 'chat.qwen.ai',
  NotebookLM: 'notebooklm.google.com',
  'Baidu AI': 'yiyan.baidu.com',
};

/** Hosts the database lacks: medium → source → hosts. */
export const MORE_HOSTS: Record<string, Record<string, string>> = {
  organic: {
    AVG: 'search.avg.com isearch.avg.com',
    Petal: 'petalsearch.com',
    Yandex: 'ya.ru',
    Seznam: 'seznam.cz',
    'Coc Coc': 'coccoc.com',
    Mojeek: 'mojeek.com',
    Swisscows: 'swisscows.com',
    Kagi: 'kagi.com',
    MetaGer: 'metager.org metager.de',
    Lilo: 'search.lilo.org',
    Startpage: 'startpage.com',
    Qwant: 'qwant.com',
    Sogou: 'sogou.com',
  },
  social: {
    Threads: 'threads.com threads.net',
    Workplace: 'workplace.com work.facebook.com',
    VK: 'vk.ru',
    Pinterest: 'pin.it',
    TikTok: 'tiktok.com',
    Snapchat: 'snapchat.com',
    WhatsApp: 'whatsapp.com',
    Telegram: 'telegram.org t.me',
    Discord: 'discord.com',
    Nextdoor: 'nextdoor.com',
    Weibo: 'weibo.cn',
  },
  email: {
    Outlook: 'outlook.office.com outlook.office365.com outlook.cloud.microsoft',
    'Proton Mail': 'mail.proton.me mail.protonmail.com',
    GMX: 'gmx.net gmx.de deref-gmx.net deref-gmx.de',
    'Web.de': 'web.de deref-web.de',
    'Mail.com': 'deref-mail.com',
    'Yandex Mail': '360.yandex.ru',
    'iCloud Mail': 'icloud.com',
    'Zoho Mail': 'mail.zoho.eu',
    'T-Online': 'email.t-online.de',
    'Onet Poczta': 'poczta.onet.pl',
    'WP Poczta': 'poczta.wp.pl',
    'Libero Mail': 'mail.libero.it',
    Tuta: 'app.tuta.com mail.tutanota.com',
    Fastmail: 'app.fastmail.com',
  },
};

/**
 * Android apps (`android-app://PACKAGE/`) → the host they stand for, where the package
 * name reversed does not lead there (com.facebook.katana does: katana.facebook.com).
 */
export const ANDROID_APPS: Record<string, string> = {
  'com.google.android.gm': 'mail.google.com',
  'com.google.android.youtube': 'youtube.com',
  'com.microsoft.office.outlook': 'outlook.live.com',
  'com.yahoo.mobile.client.android.mail': 'mail.yahoo.com',
  'ru.mail.mailapp': 'e.mail.ru',
  'ch.protonmail.android': 'mail.proton.me',
  'de.web.mobile.android.mail': 'deref-web.de',
  'de.gmx.mobile.android.mail': 'deref-gmx.net',
  'com.zhiliaoapp.musically': 'tiktok.com',
  'com.ss.android.ugc.trill': 'tiktok.com',
  'com.instagram.barcelona': 'threads.com',
  'org.telegram.messenger': 'telegram.org',
  'com.whatsapp': 'whatsapp.com',
  'com.snapchat.android': 'snapchat.com',
  'com.microsoft.bing': 'bing.com',
  'com.microsoft.copilot': 'copilot.microsoft.com',
  'com.openai.chatgpt': 'chatgpt.com',
  'com.google.android.apps.bard': 'gemini.google.com',
  'com.anthropic.claude': 'claude.ai',
};
