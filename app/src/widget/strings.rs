//! What the widget says, in the bot's language: the widget's words are chosen on the server
//! (the bot's `language`, or for `auto` the visitor's `Accept-Language`), and only the one
//! language's words travel to the browser with the page. A language without a table here
//! speaks English.

use serde::{Deserialize, Serialize};

/// The widget's words in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strings {
    /// The language tag they are in (the page's `lang`).
    pub tag: String,
    /// Right to left.
    pub rtl: bool,
    /// The message box's label.
    pub message: String,
    pub placeholder: String,
    pub send: String,
    pub new_conversation: String,
    pub close: String,
    pub typing: String,
    pub helpful: String,
    pub not_helpful: String,
    pub rate: String,
    /// The panel's name; `{name}` is the bot's.
    pub chat_with: String,
    pub unavailable: String,
    pub failed: String,
    /// The button that sends again a turn that could not be sent.
    pub try_again: String,
    /// Over a rate limit; `{seconds}` is the wait.
    pub wait: String,
    /// The heading of the documents an answer drew on.
    pub sources: String,
}

impl Strings {
    pub fn chat_with(&self, name: &str) -> String {
        self.chat_with.replace("{name}", name)
    }

    pub fn wait(&self, seconds: u64) -> String {
        self.wait.replace("{seconds}", &seconds.to_string())
    }
}

/// (tag, message, placeholder, send, new conversation, close, typing, helpful, not helpful,
/// rate, chat with, unavailable, failed, wait, sources, try again).
#[cfg(feature = "ssr")]
type Row = [&'static str; 16];

#[cfg(feature = "ssr")]
#[rustfmt::skip]
const TABLE: [Row; 15] = [
    ["en", "Message", "Type your message…", "Send", "New conversation", "Close chat", "Typing…", "Helpful", "Not helpful", "Rate this answer", "Chat with {name}", "This chat is not available here right now.", "The message could not be sent. Please try again.", "You are sending messages quickly: please try again in {seconds} s.", "Sources", "Try again"],
    ["es", "Mensaje", "Escribe tu mensaje…", "Enviar", "Nueva conversación", "Cerrar chat", "Escribiendo…", "Útil", "No útil", "Valora esta respuesta", "Chatea con {name}", "Este chat no está disponible aquí en este momento.", "No se pudo enviar el mensaje. Inténtalo de nuevo.", "Estás enviando mensajes muy rápido: inténtalo de nuevo en {seconds} s.", "Fuentes", "Reintentar"],
    ["fr", "Message", "Écrivez votre message…", "Envoyer", "Nouvelle conversation", "Fermer le chat", "En train d'écrire…", "Utile", "Pas utile", "Évaluer cette réponse", "Discuter avec {name}", "Ce chat n'est pas disponible ici pour le moment.", "Le message n'a pas pu être envoyé. Veuillez réessayer.", "Vous envoyez des messages très vite : réessayez dans {seconds} s.", "Sources", "Réessayer"],
    ["de", "Nachricht", "Nachricht eingeben…", "Senden", "Neues Gespräch", "Chat schließen", "Schreibt…", "Hilfreich", "Nicht hilfreich", "Diese Antwort bewerten", "Chat mit {name}", "Dieser Chat ist hier gerade nicht verfügbar.", "Die Nachricht konnte nicht gesendet werden. Bitte versuchen Sie es erneut.", "Sie senden sehr schnell: Bitte versuchen Sie es in {seconds} s erneut.", "Quellen", "Erneut versuchen"],
    ["it", "Messaggio", "Scrivi il tuo messaggio…", "Invia", "Nuova conversazione", "Chiudi chat", "Sta scrivendo…", "Utile", "Non utile", "Valuta questa risposta", "Chatta con {name}", "Questa chat non è disponibile qui al momento.", "Impossibile inviare il messaggio. Riprova.", "Stai inviando messaggi troppo in fretta: riprova tra {seconds} s.", "Fonti", "Riprova"],
    ["pt-BR", "Mensagem", "Digite sua mensagem…", "Enviar", "Nova conversa", "Fechar chat", "Digitando…", "Útil", "Não útil", "Avalie esta resposta", "Converse com {name}", "Este chat não está disponível aqui no momento.", "Não foi possível enviar a mensagem. Tente novamente.", "Você está enviando mensagens rápido demais: tente novamente em {seconds} s.", "Fontes", "Tentar novamente"],
    ["nl", "Bericht", "Typ je bericht…", "Versturen", "Nieuw gesprek", "Chat sluiten", "Aan het typen…", "Nuttig", "Niet nuttig", "Beoordeel dit antwoord", "Chat met {name}", "Deze chat is hier nu niet beschikbaar.", "Het bericht kon niet worden verstuurd. Probeer het opnieuw.", "Je verstuurt berichten erg snel: probeer het over {seconds} s opnieuw.", "Bronnen", "Opnieuw proberen"],
    ["pl", "Wiadomość", "Wpisz wiadomość…", "Wyślij", "Nowa rozmowa", "Zamknij czat", "Pisze…", "Pomocne", "Niepomocne", "Oceń tę odpowiedź", "Czat z {name}", "Ten czat nie jest tu teraz dostępny.", "Nie udało się wysłać wiadomości. Spróbuj ponownie.", "Wysyłasz wiadomości zbyt szybko: spróbuj ponownie za {seconds} s.", "Źródła", "Spróbuj ponownie"],
    ["tr", "Mesaj", "Mesajınızı yazın…", "Gönder", "Yeni sohbet", "Sohbeti kapat", "Yazıyor…", "Faydalı", "Faydalı değil", "Bu yanıtı değerlendirin", "{name} ile sohbet", "Bu sohbet şu anda burada kullanılamıyor.", "Mesaj gönderilemedi. Lütfen tekrar deneyin.", "Çok hızlı mesaj gönderiyorsunuz: {seconds} sn sonra tekrar deneyin.", "Kaynaklar", "Tekrar dene"],
    ["ru", "Сообщение", "Введите сообщение…", "Отправить", "Новый разговор", "Закрыть чат", "Печатает…", "Полезно", "Бесполезно", "Оцените этот ответ", "Чат с {name}", "Этот чат сейчас здесь недоступен.", "Не удалось отправить сообщение. Попробуйте ещё раз.", "Вы отправляете сообщения слишком часто: повторите через {seconds} с.", "Источники", "Повторить"],
    ["ar", "رسالة", "اكتب رسالتك…", "إرسال", "محادثة جديدة", "إغلاق الدردشة", "يكتب…", "مفيد", "غير مفيد", "قيّم هذه الإجابة", "الدردشة مع {name}", "هذه الدردشة غير متاحة هنا الآن.", "تعذّر إرسال الرسالة. يُرجى المحاولة مرة أخرى.", "أنت ترسل الرسائل بسرعة كبيرة: حاول مرة أخرى بعد {seconds} ث.", "المصادر", "إعادة المحاولة"],
    ["hi", "संदेश", "अपना संदेश लिखें…", "भेजें", "नई बातचीत", "चैट बंद करें", "लिख रहा है…", "उपयोगी", "उपयोगी नहीं", "इस उत्तर को रेट करें", "{name} से चैट करें", "यह चैट अभी यहाँ उपलब्ध नहीं है।", "संदेश नहीं भेजा जा सका। कृपया फिर से प्रयास करें।", "आप बहुत जल्दी संदेश भेज रहे हैं: {seconds} सेकंड बाद फिर प्रयास करें।", "स्रोत", "फिर से भेजें"],
    ["ja", "メッセージ", "メッセージを入力…", "送信", "新しい会話", "チャットを閉じる", "入力中…", "役に立った", "役に立たなかった", "この回答を評価", "{name}とチャット", "このチャットは現在ここではご利用いただけません。", "メッセージを送信できませんでした。もう一度お試しください。", "送信が速すぎます。{seconds}秒後にもう一度お試しください。", "出典", "再送信"],
    ["ko", "메시지", "메시지를 입력하세요…", "보내기", "새 대화", "채팅 닫기", "입력 중…", "도움이 됨", "도움이 안 됨", "이 답변 평가", "{name}와(과) 채팅", "지금은 여기에서 이 채팅을 사용할 수 없습니다.", "메시지를 보내지 못했습니다. 다시 시도해 주세요.", "메시지를 너무 빨리 보내고 있습니다. {seconds}초 후에 다시 시도해 주세요.", "출처", "다시 보내기"],
    ["zh", "消息", "输入您的消息…", "发送", "新对话", "关闭聊天", "正在输入…", "有帮助", "没有帮助", "评价此回答", "与{name}聊天", "此聊天目前在这里不可用。", "消息发送失败，请重试。", "您发送消息太快了：请在 {seconds} 秒后重试。", "来源", "重新发送"],
];

/// The widget's words for `tag`, English when it has no table.
#[cfg(feature = "ssr")]
pub fn strings_for(tag: &str) -> Strings {
    let row = TABLE
        .iter()
        .find(|row| row[0].eq_ignore_ascii_case(tag))
        .unwrap_or(&TABLE[0]);
    let [tag, message, placeholder, send, new_conversation, close, typing, helpful, not_helpful, rate, chat_with, unavailable, failed, wait, sources, try_again] =
        row.map(str::to_owned);
    Strings {
        rtl: tag == "ar",
        tag,
        message,
        placeholder,
        send,
        new_conversation,
        close,
        typing,
        helpful,
        not_helpful,
        rate,
        chat_with,
        unavailable,
        failed,
        wait,
        sources,
        try_again,
    }
}

/// The language a widget speaks: the bot's `language`, or for `auto` the first of the
/// visitor's `Accept-Language` preferences the widget has words for (a region falls back to
/// its language: `pt` is `pt-BR`, `en-GB` is `en`), else English.
#[cfg(feature = "ssr")]
pub fn resolve(language: &str, accept_language: Option<&str>) -> String {
    if language != "auto" {
        return language.to_owned();
    }
    let wanted = accept_language
        .map(accept_language::parse)
        .unwrap_or_default();
    wanted
        .iter()
        .find_map(|wanted| {
            let base = wanted.split('-').next().unwrap_or(wanted);
            TABLE
                .iter()
                .find(|row| row[0].eq_ignore_ascii_case(wanted))
                .or_else(|| {
                    TABLE.iter().find(|row| {
                        row[0]
                            .split('-')
                            .next()
                            .is_some_and(|b| b.eq_ignore_ascii_case(base))
                    })
                })
                .map(|row| row[0].to_owned())
        })
        .unwrap_or_else(|| "en".into())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn every_language_of_the_form_has_its_words() {
        for (tag, _) in crate::chatbots::schema::LANGUAGES.iter().skip(1) {
            let strings = strings_for(tag);
            assert_eq!(&strings.tag, tag);
            assert!(strings.chat_with.contains("{name}"), "{tag}");
            assert!(strings.wait.contains("{seconds}"), "{tag}");
        }
        assert_eq!(strings_for("xx").send, "Send");
        assert!(strings_for("ar").rtl);
    }

    #[test]
    fn auto_follows_the_visitor_s_first_language_the_widget_speaks() {
        assert_eq!(resolve("de", Some("ko")), "de");
        assert_eq!(resolve("auto", Some("xx, ko;q=0.8, en;q=0.5")), "ko");
        assert_eq!(resolve("auto", Some("en;q=0.2, fr-CA;q=0.9")), "fr");
        assert_eq!(resolve("auto", Some("pt")), "pt-BR");
        assert_eq!(resolve("auto", Some("zh-CN,zh;q=0.9")), "zh");
        assert_eq!(resolve("auto", Some("xx")), "en");
        assert_eq!(resolve("auto", None), "en");
    }
}
