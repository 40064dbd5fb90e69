package inspecttest

// The pieces BrowsingTraffic puts together, written for this repository
// after what browsers, analytics tags, shops and forums send.

var userAgents = []string{
	BrowserUA,
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
	"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 12; M2101K6G) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36 OPR/79.2.4195.76754",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/455.0.0.40.108;FBBV/600000000;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/5]",
	"Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 Instagram 312.1.0.34.111 Android (34/14; 450dpi; 1080x2340; samsung; SM-A546B; a54x; s5e8835; de_DE; 548323749)",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Windows NT 6.1; Win64; x64; Trident/7.0; rv:11.0) like Gecko",
	"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
	"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
	"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
	"WhatsApp/2.23.20.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0",
	"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"curl/8.5.0",
	"python-requests/2.31.0",
	"okhttp/4.12.0",
	"Dalvik/2.1.0 (Linux; U; Android 13; SM-G991B Build/TP1A.220624.014)",
	"MyShopApp/5.12.1 (iPhone; iOS 17.5; Scale/3.00)",
	"Go-http-client/2.0",
	"Apache-HttpClient/4.5.14 (Java/17.0.9)",
	"PostmanRuntime/7.39.0",
}

var browserHeaders = []string{
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
	"Accept: application/json, text/plain, */*",
	"Accept: image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
	"Accept: */*",
	"Accept-Language: en-US,en;q=0.9",
	"Accept-Language: es-ES,es;q=0.9,en;q=0.8",
	"Accept-Language: de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7",
	"Accept-Language: zh-CN,zh;q=0.9,en;q=0.8",
	"Accept-Language: fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7",
	"Accept-Language: pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7",
	"Accept-Language: ja,en-US;q=0.9,en;q=0.8",
	"Accept-Encoding: gzip, deflate, br, zstd",
	`Sec-CH-UA: "Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"`,
	`Sec-CH-UA: "Microsoft Edge";v="131", "Chromium";v="131", "Not_A Brand";v="24"`,
	`Sec-CH-UA: "Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"`,
	"Sec-CH-UA-Mobile: ?0",
	`Sec-CH-UA-Platform: "Windows"`,
	`Sec-CH-UA-Platform: "macOS"`,
	`Sec-CH-UA-Platform: "Android"`,
	`Sec-CH-UA-Full-Version-List: "Google Chrome";v="131.0.6778.86", "Chromium";v="131.0.6778.86", "Not_A Brand";v="24.0.0.0"`,
	"Sec-Fetch-Dest: document",
	"Sec-Fetch-Mode: navigate",
	"Sec-Fetch-Site: same-origin",
	"Sec-Fetch-User: ?1",
	"Upgrade-Insecure-Requests: 1",
	"Cache-Control: max-age=0",
	"Pragma: no-cache",
	"DNT: 1",
	"Priority: u=0, i",
	`If-None-Match: W/"5e-1a2b3c4d5e6f"`,
	"If-Modified-Since: Wed, 21 Oct 2025 07:28:00 GMT",
	"X-Requested-With: XMLHttpRequest",
	"Origin: https://www.example.com",
	"Content-Type: application/x-www-form-urlencoded; charset=UTF-8",
	"Content-Type: multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
	"Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IjFlOWdkazcifQ.eyJpc3MiOiJodHRwczovL2lkLmV4YW1wbGUuY29tIiwic3ViIjoiMjQ4Mjg5NzYxMDAxIiwiYXVkIjoiczZCaGRSa3F0MyIsImV4cCI6MTc2NTExMTQwMH0.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLXRva2Vu",
	"Authorization: Basic am9obkBleGFtcGxlLmNvbTpzM2NyM3Q=",
	"X-CSRF-Token: 3f1c9a6e0b7d4e2a8c5f9b1d7e3a6c0f",
	"X-Forwarded-Proto: https",
	"Range: bytes=0-1023",
	"TE: trailers",
	"Via: 1.1 varnish",
	"X-Amzn-Trace-Id: Root=1-67891233-abcdef012345678912345678",
	"Traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
	"Baggage: userId=alice,serverNode=DF%2028,isProduction=false",
	"Save-Data: on",
	"Device-Memory: 8",
	"Viewport-Width: 1920",
}

var searchText = []string{
	"O'Reilly books", "Ben & Jerry's", "AT&T phone plans", "M&M's peanut", "Q&A", "rock & roll hall of fame",
	"Tom & Jerry (1940)", "salt & pepper shakers", "Johnson & Johnson baby shampoo", "Dolce & Gabbana", "Hotels & more",
	"Shoes & more", "Tips & tricks", "Terms & Conditions", "news & events", "fish & chips near me",
	"select your size", "drop-down menu not working", "union station chicago", "1=1 offer", "buy 1 get 1 free",
	"insert coin arcade", "update available iphone", "delete account", "order by price", "where to buy", "from scratch pancakes",
	"table for two", "create account", "grant application deadline", "alter ego costume", "truncate text css",
	"exec summary template", "join us", "like new condition", "null and void meaning", "drop shipping", "select all",
	"cat videos", "ping pong table", "sleep apnea", "echo dot", "find my phone", "head and shoulders", "tail light",
	"more info", "less is more", "kill bill", "id card renewal", "type c charger", "dir en grey", "ls swap",
	"how to list files in linux", "what is 2+2", "5 * 3", "50% off", "100% cotton", "1/2 cup sugar", `3' 4" tall`,
	`5'11" height`, "12\" pizza", `"exact phrase" search`, "it's 5 o'clock somewhere", "don't stop believing",
	"can't log in", "l'Oréal", "d'Artagnan", "children's books", "women's shoes size 8", "men's jackets",
	"cats | dogs", "a; b", "tom (jerry)", "C++ tutorial", "C# list sort", "node.js", "asp.net core", "F# tutorial",
	"what's new in go 1.23", "#hashtag", "@username", "email me at jane@example.com", "hello world!", "¿dónde está?",
	"¡Oferta!", "niños y niñas", "camiseta talla M", "zapatillas running hombre", "jamón ibérico",
	"café con leche", "crème brûlée", "pâte à choux", "Château d'Yquem 2001", "française", "où est la gare ?",
	"Größe 42", "Fußball Schuhe", "Straße & Hausnummer", "Müller-Lüdenscheidt", "Brötchen (6 Stück)",
	"São Paulo", "promoção de verão", "ação", "coração", "perché no?", "caffè", "città", "Łódź", "Kraków",
	"Zürich", "İstanbul", "çay bardağı", "Ελληνικά", "Москва", "купить телефон", "北京 天气", "手机壳",
	"東京 ラーメン", "日本語の本", "한국어", "서울 맛집", "مرحبا", "हिंदी", "ไทย", "Việt Nam", "naïve café",
	"résumé template", "smörgåsbord", "Ærø", "Øresund", "½ price", "€19,99", "$1,299.00", "£5.50", "¥1000",
	"20°C", "±5%", "x² + y²", "α β γ", "→ next", "★★★★☆", "❤️", "👍 thanks", "😀",
	"new york, ny", "san francisco - bay area", "los angeles (LAX)", "paris/london", "washington d.c.",
	"iphone 15 pro max 256gb", "samsung galaxy s24+", "4k tv 55\"", "usb-c to usb-a", "wi-fi 6e router",
	"ps5 - digital edition", "xbox series x|s", "nintendo switch (oled)", "macbook air m3 13\"", "rtx 4090",
	"size: 10.5", "color: navy/white", "price: low to high", "sort=newest", "filter by: brand", "in stock only",
	"gift card $50", "free shipping over $35", "black friday deals 2024", "back-to-school", "year-end sale",
	"how to tie a tie", "how do i reset my password?", "why is the sky blue?", "best pizza near me",
	"weather tomorrow", "translate hello to spanish", "convert 5 miles to km", "2 + 2 = 4", "10 - 3",
	"(555) 010-9999", "+1-555-010-9999", "ISBN 978-0-13-468599-1", "SKU: W-LG-001", "order #12345",
	"ref: INV-2024/05/001", "PO Box 123", "Apt. 4B", "Suite #200", "c/o John Smith", "P.O. Box 7",
	"the 'best' burger", "my wife's birthday", "Macy's", "McDonald's", "Kohl's", "Lowe's", "Dunkin'",
	"rock 'n' roll", "'90s music", "80's fashion", "y'all", "ma'am", "o'neill", "o'brien", "d'angelo",
	"semi-colon; usage", "pipe | separated", "a & b & c", "bread & butter; jam", "one, two & three",
	"if (x > 5) then", "x < 10", "a <= b", "1 < 2 > 0", "<3 love", "->", "=>", "<-", ":)", ":-(", ";)",
	"use SELECT name FROM users WHERE id = ? with prepared statements",
	"wrap the button in a div with class row",
	"the union of two sets", "left join vs inner join", "group by and having explained",
	"order of operations", "update your drivers", "select a delivery date", "insert a table in word",
	"drop table tennis", "where is my order", "is null or empty", "execute order 66", "declare independence",
	"waitfor me", "sleep well", "benchmark results", "information about schemas", "char broil grill",
	"char siu pork", "ascii art", "substring in python", "concat strings js", "hex color picker",
	"system of a down", "eval apartments", "exec chair", "assert yourself", "passthru lane",
	"bash party", "shell gas station", "python course", "perl necklace", "ruby ring", "java coffee",
	"php developer jobs", "curl your hair", "wget alternative", "nc state", "telnet rain", "ssh keys github",
	"etc.", "et al.", "e.g.", "i.e.", "vs.", "approx. 5 kg", "no. 5", "St. Louis", "Mt. Everest", "Dr. Who",
	"windows 11 update", "windows xp", "win a prize", "boot camp", "proc sql", "home depot", "root beer",
	"usr manual", "var names", "tmp files", "bin collection day", "config files", "env variables",
	"passwd vs shadow", "hosts file", "web.config transform", "environment setup",
	"template literal", "curly braces {}", "array[0]", "${price} is not set", "#{name}", "100% {width}",
	"math: 3*4=12", "7 * 7", "7*7", "{a: 1}", "[1,2,3]", "key=value", "a=b&c=d", "x == y",
	"../", "..", "./run", "~/Documents", "C:\\Users\\Public", "D:\\Photos\\2024", "/home", "/usr/local",
	"http://", "https://", "www.example.com", "example.com/page", "ftp site", "mailto:jane@example.com",
	"tel:+15550109999", "data science", "file transfer", "gopher snake", "dict.cc", "ldap login help",
	"javascript tutorial", "script writing", "onload event", "onclick handler", "alert message box",
	"prompt engineering", "confirm email", "document management", "window cleaning", "body lotion",
	"img tag", "iframe embed", "svg icons", "style guide", "link building", "meta description",
	"form builder", "input validation", "button colors", "textarea resize", "object oriented",
	"Raleigh & NC", "Durham | NC", "Wave & Curl cream", "Hex & Base64 converter", "dog & cat food", "Dog & Cat",
	"passport & ID", "Photo; ID", "Monty & Python", "Java & PHP jobs", "Shop | Find a store", "Products | Type",
	"Birthday Bash & BBQ", "Hair & Curl", "Rock & Ruby", "kids & more", "Size | Set", "Sleep & Wake",
	"Smith & Wesson", "Procter & Gamble", "H&M", "A&W root beer", "P&O ferries", "B&Q", "S&P 500", "R&D",
	"black & white photography", "nuts & bolts", "arts & crafts", "health & beauty", "home & garden",
	"toys & games", "sports & outdoors", "books & media", "cell phones & accessories",
	"¿Qué es?", "C'est la vie", "j'ai faim", "aujourd'hui", "qu'est-ce que c'est", "l'été",
	"dell'arte", "un'altra volta", "all'aperto", "Grüß Gott", "Heinz-Müller & Söhne GmbH",
}

var firstNames = []string{"Jane", "John", "José", "María", "Zoë", "Siobhán", "Seán", "Łukasz", "Ana", "Li", "Wei", "Yuki", "Ahmed", "Olga", "Renée", "D'Arcy", "Mary-Kate", "Jean-Luc", "François", "Björn"}

var lastNames = []string{"Smith", "O'Brien", "O'Connor", "García", "Müller", "Núñez", "D'Angelo", "van der Berg", "de la Cruz", "Nguyễn", "Kowalski", "Smith-Jones", "MacDonald", "Åkesson", "Zhang", "Tanaka"}

var domains = []string{"example.com", "example.org", "shop.example.com", "www.example.co.uk", "blog.example.net", "mail.example.ie", "example.de", "tienda.example.es", "cdn.example.com", "accounts.example.com"}

var resources = []string{"users", "orders", "products", "carts", "items", "reviews", "invoices", "projects", "members", "comments", "sessions", "addresses", "payments", "shipments", "categories", "tags"}

var slugs = []string{"summer-sale", "how-to-brew-coffee", "mens-running-shoes", "top-10-laptops-2024", "privacy-policy", "about-us", "contact", "faq", "gift-ideas", "kitchen", "new-arrivals", "best-sellers", "size-guide", "returns", "store-locator", "careers", "press", "main", "vendor", "runtime", "polyfills", "app", "styles"}

var locales = []string{"en-us", "en-gb", "es-es", "de-de", "fr-fr", "pt-br", "ja-jp", "zh-cn", "it-it", "nl-nl"}

var staticPaths = []string{"/", "/favicon.ico", "/robots.txt", "/sitemap.xml", "/manifest.webmanifest", "/apple-touch-icon.png", "/.well-known/assetlinks.json", "/.well-known/apple-app-site-association", "/service-worker.js", "/login", "/logout", "/cart", "/checkout", "/account/orders", "/search", "/graphql", "/api/health", "/wp-login.php", "/wp-admin/admin-ajax.php", "/wp-json/wp/v2/posts", "/feed/", "/xmlrpc.php", "/index.php", "/cgi-bin/", "/amp/", "/en/help-center/articles/360001234", "/oauth/authorize", "/sso/callback", "/static/", "/assets/app.css", "/downloads/setup.exe", "/files/Annual%20Report%202023.pdf", "/media/cache/resolve/thumb/uploads/photo.jpg", "/u/jane.doe", "/~jane/", "/api/v1/search/caf%C3%A9", "/maps/@40.4168,-3.7038,15z", "/c/men/shoes?page=2", "/products/t-shirt-(men)/blue", "/blog/tag/c%2B%2B"}

var utmValues = []string{"google", "facebook", "newsletter", "cpc", "email", "social", "spring_sale_2024", "black-friday", "running shoes", "brand+terms", "ig_story", "linkedin", "(not set)", "organic", "display", "retargeting_v2", "Summer Sale 2024 – 20% off", "{campaignid}", "partner:acme"}

var phones = []string{"+1 (555) 010-9999", "+34 612 34 56 78", "+44 20 7946 0018", "(555) 123-4567", "555.123.4567", "+49 30 901820", "+86 138 0013 8000", "+81-3-1234-5678", "0612345678", "+33 (0)1 23 45 67 89", "+1-800-FLOWERS", "ext. 204"}

var relativePaths = []string{"/account/orders?page=2", "/", "/checkout?step=2&method=card", "/cart", "/en/help/returns#policy", "/search?q=shoes&sort=price_asc", "../index.html", "./images/logo.png", "/static/img/banner.jpg", "/dashboard/reports/2024/Q1"}

var filePaths = []string{"docs/guide.pdf", "images/2024/05/photo.jpg", "reports/Q3 2024/summary.xlsx", "uploads/avatar-42.png", "assets/fonts/roboto.woff2", "invoice_2024-05-01.pdf", "C:\\Users\\jane\\Documents\\CV.docx", "/Users/jane/Desktop/screenshot 2024-05-01 at 10.12.31.png", "backup/photos/IMG_1234.HEIC", "projects/rampart/README.md", "src/main/java/com/example/App.java", "templates/email/welcome.html", "data/export.csv", "music/Queen - Bohemian Rhapsody.mp3", "videos/holiday (1).mp4", "my.config.json", "notes.txt", "archive.tar.gz", "slides_v2_final_FINAL.pptx"}

var sortValues = []string{"price_asc", "price_desc", "-created_at", "+name", "relevance", "popularity", "rating:desc", "date,desc", "name asc", "updated_at DESC", "id", "newest"}

var brands = []string{"Nike", "Adidas", "Levi's", "Ben & Jerry's", "L'Oréal", "Dr. Martens", "H&M", "Marks & Spencer", "Abercrombie & Fitch", "Tiffany & Co.", "Lindt & Sprüngli", "Samsung", "Apple", "Bose", "Carhartt WIP", "New Balance", "Under Armour", "Crocs™", "Häagen-Dazs", "Nestlé"}

var misc = []string{
	"true", "false", "null", "undefined", "on", "off", "1", "0", "-1", "yes", "no", "N/A", "none", "all", "*", "?", "#", "-",
	"#ff0000", "rgb(255, 0, 0)", "rgba(0,0,0,0.5)", "10:30", "10:30 AM", "23:59:59", "UTC+02:00", "Europe/Madrid", "America/New_York",
	"en_US", "es-419", "EUR", "1.234,56", "1,234.56", "3.14159", "1e-6", "0x1F", "42px", "100vh", "calc(100% - 20px)",
	"width=device-width, initial-scale=1", "text/html; charset=utf-8", "max-age=31536000; includeSubDomains",
	"a,b,c", "a|b|c", "a;b;c", "red|blue", "size:m;color:red", "key1=val1;key2=val2", "tag:summer AND tag:sale",
	"price:[10 TO 100]", "name:\"John Smith\"", "brand:(nike OR adidas)", "-category:used", "title:\"don't panic\"",
	"status eq 'active'", "price gt 10 and price lt 100", "startswith(name,'A')", "$filter=name eq 'O''Brien'",
	"mailto:sales@example.com?subject=Quote%20request", "tel:+15550109999", "sms:+15550109999?body=hi",
	"geo:37.786971,-122.399677", "urn:isbn:0451450523", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
	"1;2;3", "v=spf1 include:_spf.example.com ~all", "Mon, 07 Dec 2026 10:00:00 GMT", "P1Y2M3DT4H5M6S",
	"SGVsbG8gd29ybGQh", "dGhlIHF1aWNrIGJyb3duIGZveA==", "eyJhIjoxLCJiIjoiYyJ9", "aGVsbG8=", "MTIzNDU2Nzg5MA==",
	"<3", "<= 100", ">= 18", "> 5 stars", "(optional)", "[draft]", "{draft}", "[x] done", "(1) first", "~approx",
	"http://localhost:8085/", "http://127.0.0.1:53682/callback", "function () { return; };", "() => {}",
	"^caret", "a_b_c", "__init__", "_ga", "__utmz", "--verbose", "-rf", "--", "//", "\\\\", "...", "..",
}

var passwords = []string{"P@ssw0rd!", "S3cr3t!pass'word\"", "hunter2", "correct horse battery staple", "Tr0ub4dor&3", "pa$$w0rd", "Qwerty123;", "letmein#2024", "<MyP@ss>", "L'amour2024!", "p|pe&amp", "`backtick`pass", "a1!b2@c3#d4$", "%Secret%"}

var messages = []string{
	"Hello, I'd like a quote for fifty units delivered next month. Thanks!",
	"Great product! Don't hesitate -- it's worth every cent. 5/5 :)",
	"The package arrived damaged (box was crushed). Can I get a replacement or refund?",
	"Hi there,\n\nI can't log in since yesterday's update. I get \"invalid credentials\" even after resetting.\n\nRegards,\nJane",
	"Is this available in size 10.5? Also, do you ship to Canada & Mexico?",
	"Me encantó el producto, llegó rápido y en perfecto estado. ¡Gracias!",
	"Très bon rapport qualité/prix. Je recommande à 100 % !",
	"Lieferung war schnell, aber die Größe fällt klein aus (eine Nummer größer bestellen).",
	"I tried the SELECT statement from the docs and it returned the right rows, thanks for the example.",
	"Use a prepared statement: the query SELECT * FROM orders WHERE id = ? keeps user input out of the SQL.",
	"In my template I wrap the image in a div with class \"card\" and it lines up now.",
	"To install, download the zip, unpack it and run the installer as administrator.",
	"My order #12345 shows 'delivered' but I never got it; tracking says left at front door.",
	"Can you update my address to 221B Baker St., London NW1 6XE? Thanks & regards.",
	"Price went from $49.99 to $39.99 after I bought it -- can I get the difference (price match)?",
	"Q: does it work with 220V? A: yes, it's dual voltage (110-240V).",
	"Loved it!!! 😍😍 would buy again 10/10",
	"I'm 5'11\" and 180 lbs, the L fits perfectly; my wife (5'4\") wears an S.",
	"Order by 2 p.m. for same-day dispatch; weekends & holidays excluded.",
	"Step 1: open Settings > Privacy > Cookies; step 2: clear data; step 3: reload the page.",
	"Attendees: Ana, Wei & Olga. Agenda: (1) budget; (2) hiring; (3) Q&A.",
	"The formula is =SUM(A1:A10)/COUNT(A1:A10) if you want the average.",
	"App crashed: java.lang.IllegalStateException: Fragment not attached at com.example.shop.CartFragment.onResume(CartFragment.java:88) caused by java.lang.RuntimeException: Unable to resume activity; java.net.SocketTimeoutException: timeout",
	"For the recipe you need 1/2 cup sugar, 2 eggs & a pinch of salt; bake at 180°C for 25 min.",
	"See https://www.example.com/help/returns?lang=en#section-2 for details.",
	"Contact me at jane.o'brien@example.ie or +353 1 234 5678.",
}

var streets = []string{"221B Baker St.", "C/ Mayor 5, 3º 2ª", "Rue de l'Église 12", "Hauptstraße 7a", "1600 Amphitheatre Pkwy", "Av. Paulista, 1578 - Bela Vista", "10 Downing St", "Via dell'Orso 3", "ul. Marszałkowska 10/12", "P.O. Box 1234", "Apt 4B, 350 5th Ave", "Calle 50 #12-34"}

var latin1Forms = []string{
	"nombre=Jos%E9+Ram%F3n&direccion=C%2F+Mayor+5&ciudad=M%E1laga&cp=29001&telefono=%2B34+612+34+56+78",
	"nom=Fran%E7ois+M%FCller&adresse=12+rue+de+l%27%C9glise&ville=Montr%E9al",
	"name=J%FCrgen+Gro%DF&strasse=Hauptstra%DFe+7a&ort=M%FCnchen",
	"apellidos=N%FA%F1ez+de+la+Pe%F1a&comentario=%BFPodr%EDan+enviarlo+el+s%E1bado%3F",
	"q=caf%E9+cr%E8me&lang=fr",
	"empresa=Mart%EDnez+%26+Hijos+S.L.&nif=B12345678&notas=Entregar+antes+de+las+14%3A00+%28urgente%29",
}

var graphqlQueries = []string{
	"query GetProduct($id: ID!) { product(id: $id) { id name price { amount currency } images(first: 5) { url alt } } }",
	"query ListOrders($first: Int) { viewer { orders(first: $first, orderBy: {field: CREATED_AT, direction: DESC}) { edges { node { id total status } } } } }",
	"mutation AddToCart($input: AddToCartInput!) { addToCart(input: $input) { cart { id itemCount } errors { field message } } }",
	"{ viewer { login name avatarUrl } }",
	"query Search($q: String!) { search(query: $q, type: REPOSITORY, first: 10) { repositoryCount nodes { ... on Repository { nameWithOwner } } } }",
}

var uploadNames = []string{"IMG_2024.jpg", "report.pdf", "CV - Jane O'Brien.docx", "screenshot 2024-05-01 at 10.12.31.png", "invoice#123.pdf", "photo (1).heic", "data_export.csv", "presentation.final.v2.pptx", "logo.svg", "archive.zip", "résumé.pdf", "scan_0001.tiff", "notes.txt", "video.mp4", "song.mp3", "map.kml", "budget-2025.xlsx", "avatar.webp", "contract_signed.pdf", "dump_of_photos.tar.gz"}

var paramNames = []string{"q", "page", "utm_source", "utm_medium", "utm_campaign", "gclid", "fbclid", "ref", "redirect", "next", "return_to", "lang", "sort", "filter", "id", "email", "date", "file", "callback", "state"}
