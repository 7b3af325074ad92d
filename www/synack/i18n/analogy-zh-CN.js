// narration="analogy"：把报文段讲成两个人打电话，放在协议视图旁边。按发送原因
// （reason_key）查找；"again" 表示重传，"stale" 表示已失效的报文段。这里没有的，
// 就只看协议讲解。

export const names = { client: "小林（客户端）", server: "小周（服务器）" };

export const lines = {
  "app-connect": "喂，听得到吗？我说的话从这里开始编号。",
  "syn-in-listen": "听得到，也记下了你的起始编号。你听得到我吗？我的编号从这里开始。",
  "handshake-ack": "我也听得到你，记下了你的起始编号。开始说吧。",
  "two-way-commit": "听得到，我这就一直等着你。（小周从没确认过小林真的打了这通电话。）",
  "four-way-ack": "听得到。",
  "four-way-syn": "那你听得到我吗？我的编号从这里开始。",
  "syn-ack-resent": "你又问了一遍，看来没收到我的回答：听得到，你听得到我吗？",
  "data": "我要说的内容是这些。",
  "ack": "收到。",
  "delayed-ack": "收到（稍等了一下，看看有没有话一起说）。",
  "app-close": "我的话说完了。",
  "fin": "我的话说完了。",
  "fin-received": "知道了，你说完了。",
  "fin-received-fin-wait-2": "知道了。我再等一会儿再挂，免得你没听到我这句。",
  "time-wait-reack": "你没听到我最后那句？再说一遍：知道了。",
  "again": "喂？听到了吗？我再说一遍。",
  "stale": "（一通早已过时的旧电话的回声，现在才传过来。）",
  "rst-bad-ack": "我没打过这个电话，挂了吧！",
  "rst-closed-port": "这条线路上没人接电话。",
  "challenge-ack": "等等，我们不是正在通话吗？真的是你吗？",
  "app-abort": "我现在就挂断！",
};
